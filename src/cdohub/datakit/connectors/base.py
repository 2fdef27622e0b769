"""What every connector shares: the shapes discovery returns, the user-facing error, time limits
and the folders file and SQLite sources may be read from.

This layer knows nothing of models: it takes a `SourceConfig` and returns `TableInfo`s.
"""

import ipaddress
import math
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from cdohub.core.jobs import Cancelled  # noqa: F401  (a progress callback raises it to stop a discovery)


@dataclass
class ColumnInfo:
    name: str
    data_type: (
        str  # portable: string, integer, decimal, float, boolean, date, datetime, time, binary, json, other
    )
    length: int | None = None  # characters for strings, precision for decimals
    comment: str = ""
    nullable: bool = True
    position: int = 0  # 1-based
    native_type: str = ""  # as the source names it, e.g. "character varying(18)", "decimal(10,2)"
    scale: int | None = None  # digits after the point, for decimals

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class TableInfo:
    schema: str
    name: str
    comment: str = ""
    row_count: int | None = None
    row_count_exact: bool = False
    columns: list[ColumnInfo] = field(default_factory=list)
    kind: str = "table"  # table, view, file (CSV, Parquet) or sheet (a workbook's sheet)


class SourceError(Exception):
    """A failure the person registering or discovering a source can act on.

    `str(error)` is the message, already translated; `code` says what kind of failure it was
    (auth, refused, unreachable, timeout, no_database, not_sqlite, path_refused, folder_missing,
    folder_empty, file, secret, config or error).
    """

    # the source itself could not be reached or opened (not one query's fault): worth trying again later
    RETRYABLE = frozenset({"unreachable", "refused", "timeout", "auth", "no_database", "folder_missing"})

    def __init__(self, message, code: str = "error"):
        self.message = str(message)
        self.code = code
        super().__init__(self.message)

    @property
    def retryable(self) -> bool:
        return self.code in self.RETRYABLE


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = 5
    statement_timeout: float = 30
    exact_count_below: int = 100_000  # count rows exactly when the estimate is below this (or unknown)

    @classmethod
    def from_settings(cls) -> "Limits":
        conf = getattr(settings, "CDOHUB", {})
        return cls(
            connect_timeout=float(conf.get("SOURCE_CONNECT_TIMEOUT", 5)),
            statement_timeout=float(conf.get("SOURCE_STATEMENT_TIMEOUT", 30)),
            exact_count_below=int(conf.get("SOURCE_EXACT_COUNT_BELOW", 100_000)),
        )

    @property
    def connect_seconds(self) -> int:
        return max(1, math.ceil(self.connect_timeout))


@dataclass
class SourceConfig:
    kind: str
    host: str = ""
    port: int | None = None
    database: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    schemas: tuple[str, ...] = ()
    path: str = ""


class Session:
    """An open read-only, time-limited connection for several queries in a row (the quality
    engine's scans). `query()` returns (column names, rows); a failure raises SourceError."""

    def query(self, sql: str, params=None, max_rows: int | None = None) -> tuple[list[str], list[tuple]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class Connector:
    """Connect read-only and time-limited; `check()` proves the source answers, `discover()`
    reads its tables and columns; `session()`/`query()` run read-only queries, each within the
    statement timeout, and `relation()` names a discovered table in the source's SQL."""

    kind = ""
    dialect = ""  # sqlglot's name for the source's SQL

    def __init__(self, config: SourceConfig, limits: Limits | None = None):
        self.config = config
        self.limits = limits or Limits.from_settings()

    def check(self) -> None:
        raise NotImplementedError

    def discover(self, progress: Progress | None = None) -> list[TableInfo]:
        raise NotImplementedError

    def open_session(self) -> Session:
        raise NotImplementedError

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self.open_session()
        try:
            yield session
        finally:
            session.close()

    def query(self, sql: str, params=None, max_rows: int | None = None) -> tuple[list[str], list[tuple]]:
        """(column names, rows) of one read-only query."""
        with self.session() as session:
            return session.query(sql, params, max_rows)

    def relation(self, schema: str, name: str):
        """A discovered table (`TableInfo.schema`, `.name`) as a sqlglot expression."""
        from sqlglot import exp

        return exp.Table(
            this=exp.to_identifier(name, quoted=True),
            db=exp.to_identifier(schema, quoted=True) if schema else None,
        )

    @staticmethod
    def report(progress: Progress | None, done: int, total: int) -> None:
        if progress is not None:
            progress(done, total)

    def scrub(self, text: str) -> str:
        """A driver's message, with the password blanked should it ever appear in it."""
        text = str(text).strip()
        if self.config.password:
            text = text.replace(self.config.password, "***")
        return text


# Errors every connector raises the same way --------------------------------------------------


def auth_failed(username: str) -> SourceError:
    return SourceError(
        _("Sign-in refused: check the user name (%(user)s) and the password.") % {"user": username or "—"},
        "auth",
    )


def refused(host: str, port) -> SourceError:
    return SourceError(
        _(
            "%(host)s:%(port)s refused the connection: check the host and port, and that the database "
            "server is running."
        )
        % {"host": host, "port": port},
        "refused",
    )


def unreachable(host: str, port, detail: str = "") -> SourceError:
    message = _("Cannot reach %(host)s:%(port)s: check the host name and the network.") % {
        "host": host,
        "port": port,
    }
    return SourceError(f"{message} ({detail})" if detail else message, "unreachable")


def connect_timed_out(host: str, port, seconds: float) -> SourceError:
    return SourceError(
        _("%(host)s:%(port)s did not answer within %(seconds)s seconds.")
        % {"host": host, "port": port, "seconds": _seconds(seconds)},
        "timeout",
    )


def statement_timed_out(seconds: float, what: str = "") -> SourceError:
    message = _("The source did not answer a query within %(seconds)s seconds.") % {
        "seconds": _seconds(seconds)
    }
    return SourceError(f"{message} ({what})" if what else message, "timeout")


def no_database(name: str) -> SourceError:
    return SourceError(
        _("The database %(name)s does not exist on this server.") % {"name": name}, "no_database"
    )


def _seconds(value: float) -> str:
    return f"{value:g}"


# Host names ----------------------------------------------------------------------------------

# A DNS label (RFC 1123; underscores too, which intranet names use): at most 63 characters.
HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?", re.IGNORECASE)
HOST_NAME_MAX = 253


def check_host(raw: str) -> str:
    """`raw` stripped, refused unless it is an IP address or a host name a resolver accepts (an
    over-long label would otherwise fail deep inside the driver)."""
    host = (raw or "").strip()
    try:
        ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
        return host
    except ValueError:
        pass
    try:
        ascii_name = host.encode("idna").decode("ascii").removesuffix(".")
    except UnicodeError:
        ascii_name = ""
    labels = ascii_name.split(".")
    if not ascii_name or len(ascii_name) > HOST_NAME_MAX or not all(map(HOST_LABEL.fullmatch, labels)):
        raise SourceError(
            _(
                "This is not a valid host name or address: letters, digits and hyphens, at most 63 "
                "characters between dots and 253 in all."
            ),
            "config",
        )
    return host


# Allowed folders -----------------------------------------------------------------------------


def allowed_roots() -> list[Path]:
    """The folders file and SQLite sources may lie in, symlinks resolved."""
    conf = getattr(settings, "CDOHUB", {})
    roots = conf.get("SOURCE_FILE_ROOTS") or [Path(settings.DATA_DIR) / "sources"]
    return [Path(root).resolve() for root in roots]


def within_roots(path: Path, roots: list[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


# What Linux file systems hold (NAME_MAX, PATH_MAX); longer fails with ENAMETOOLONG on opening.
NAME_MAX, PATH_MAX = 255, 4096


def _too_long(path: Path) -> bool:
    return len(os.fsencode(path)) >= PATH_MAX or any(len(os.fsencode(part)) > NAME_MAX for part in path.parts)


def resolve_path(raw: str) -> Path:
    """The real path of `raw` (a relative one is taken under the first allowed folder), refused
    unless it lies in an allowed folder once every symlink is followed."""
    raw = (raw or "").strip()
    if not raw:
        raise SourceError(_("Give the path of the file or folder."), "config")
    if "\x00" in raw:
        raise SourceError(_("The path contains an invalid character."), "config")
    roots = allowed_roots()
    candidate = Path(raw).expanduser() if raw.startswith("~") else Path(raw)
    if not candidate.is_absolute():
        candidate = roots[0] / candidate
    if _too_long(candidate):
        raise SourceError(
            _("The path is too long: at most 255 bytes between slashes and 4,096 in all."), "config"
        )
    resolved = candidate.resolve()
    if not within_roots(resolved, roots):
        raise SourceError(
            _("%(path)s is outside the folders data sources may be read from: %(roots)s.")
            % {"path": raw, "roots": ", ".join(str(r) for r in roots)},
            "path_refused",
        )
    return resolved


class Deadline:
    """A point in time a piece of work must finish by."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.at

    @property
    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())
