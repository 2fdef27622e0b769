"""Running a compiled scan where the data lives: a `sources` connector (read-only, time-limited) or
an open DB-API / DuckDB connection; each rule kind reads its own result."""

import contextlib
import re
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from cdohub.datakit.connectors import SourceError

from .kinds import KINDS
from .kinds.base import as_int
from .rule import RuleOutcome
from .scan import Output, Scan


@dataclass
class ScanResult:
    rows: int | None  # rows scanned (of the sample if sampled)
    table_rows: int | None  # rows in the table (unsampled count), when known
    outcomes: dict[str, RuleOutcome]
    statements: int
    seconds: float
    sampled: bool = False


class _RawSession:
    """An open DB-API or DuckDB connection used as a session (no limits added)."""

    def __init__(self, connection):
        self.connection = connection
        module = type(connection).__module__
        if module.startswith("sqlite3"):
            install_sqlite_regexp(connection)

    def query(self, sql: str, params=None, max_rows: int | None = None):
        conn = self.connection
        if hasattr(conn, "cursor") and not type(conn).__module__.startswith("duckdb"):
            cursor = conn.cursor()
            try:
                cursor.execute(sql) if params is None else cursor.execute(sql, params)
                rows = cursor.fetchmany(max_rows) if max_rows else cursor.fetchall()
                columns = [d[0] for d in cursor.description or ()]
            except Exception:
                # a failed statement aborts an open transaction: end it so the next one runs
                with contextlib.suppress(Exception):
                    conn.rollback()
                raise
            finally:
                cursor.close()
        else:
            result = conn.execute(sql) if params is None else conn.execute(sql, params)
            rows = result.fetchmany(max_rows) if max_rows else result.fetchall()
            columns = [d[0] for d in result.description or ()]
        return columns, [tuple(r) for r in rows]


def install_sqlite_regexp(connection) -> None:
    """``x REGEXP p`` on a sqlite3 connection: Python's ``re`` (compiled once per pattern)."""
    compiled: dict[str, re.Pattern] = {}

    def regexp(pattern, value):  # SQLite calls regexp(Y, X) for X REGEXP Y
        if value is None or pattern is None:
            return None
        found = compiled.get(pattern)
        if found is None:
            found = compiled[pattern] = re.compile(pattern, re.ASCII)  # \d is 0-9, as elsewhere
        return 1 if found.search(str(value)) else 0

    connection.create_function("regexp", 2, regexp, deterministic=True)


@contextmanager
def session_of(target):
    """A session on `target`: the connector's own, or an open connection as it is."""
    if hasattr(target, "session") and callable(target.session):
        with target.session() as session:
            yield session
    else:
        yield _RawSession(target)


def _error_text(exc: Exception) -> str:
    text_ = str(getattr(exc, "message", None) or exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


class _Failed(Exception):
    """One statement failed; the message says why."""


def _query(session, sql: str) -> list[tuple]:
    """The statement's rows. A failure of the source itself (``SourceError.retryable``, a lost
    connection) propagates and ends the scan; a failure of this statement alone is _Failed."""
    try:
        _columns, result = session.query(sql)
    except SourceError as exc:
        if exc.retryable:
            raise
        raise _Failed(_error_text(exc)) from None
    except Exception as exc:  # noqa: BLE001  (a driver error of one statement)
        if _is_connection_error(exc):
            raise
        raise _Failed(_error_text(exc)) from None
    return result


def run_scan(target, scan: Scan, progress: Callable[[int, int], None] | None = None) -> ScanResult:
    """Run `scan` on `target` (a connector, read-only and time-limited, or an open connection).

    `progress(done, total)` is called before each statement and after the last; it may raise
    (e.g. ``datakit.connectors.Cancelled``) to stop the scan between statements."""
    started = time.monotonic()
    outcomes = {key: RuleOutcome(key, error=message) for key, message in scan.errors.items()}
    rows = table_rows = None
    count = 0
    total = len(scan.statements)
    with session_of(target) as session:
        values: dict[int, list] = {}
        failures: dict[int, str] = {}
        for index, statement in enumerate(scan.statements):
            if progress is not None:
                progress(index, total)
            count += 1
            try:
                result = _query(session, statement.sql)
                values[index] = list(result[0]) if result else [None] * len(statement.outputs)
            except _Failed as failed:
                failures[index] = str(failed)
        for index, statement in enumerate(scan.statements):
            if index in failures:
                if statement.purpose == "scan":
                    for output in statement.outputs[1:]:
                        count += 1
                        alone = scan.fallback[output.key]
                        try:
                            row = list(_query(session, alone.sql)[0])
                        except _Failed as failed:
                            outcomes[output.key] = RuleOutcome(output.key, error=str(failed))
                            continue
                        rows = rows if rows is not None else as_int(row[0])
                        if not alone.sampled and table_rows is None:
                            table_rows = as_int(row[0])
                        _read(outcomes, scan, output, row[1], as_int(row[0]))
                else:
                    for output in statement.outputs:
                        if output.key:
                            outcomes[output.key] = RuleOutcome(output.key, error=failures[index])
                continue
            row = values[index]
            for output, value in zip(statement.outputs, row, strict=True):
                if output.key == "" and output.what == "rows":
                    if statement.purpose == "scan":
                        rows = as_int(value)
                        if not statement.sampled:
                            table_rows = rows
                    elif statement.purpose == "table":
                        table_rows = as_int(value)
        for index, statement in enumerate(scan.statements):
            if index in failures:
                continue
            for output, value in zip(statement.outputs, values[index], strict=True):
                if output.key:
                    _read(outcomes, scan, output, value, rows)
    if progress is not None:
        progress(total, total)
    for key, rule in scan.rules.items():
        if key not in outcomes:
            judged = KINDS[rule.kind].judge_unread(rule, table_rows)
            if judged is not None:
                outcomes[key] = judged
    return ScanResult(
        rows=rows,
        table_rows=table_rows,
        outcomes={key: outcomes[key] for key in scan.rules if key in outcomes},
        statements=count,
        seconds=time.monotonic() - started,
        sampled=scan.sample is not None,
    )


def _read(outcomes: dict[str, RuleOutcome], scan: Scan, output: Output, value, rows) -> None:
    rule = scan.rules[output.key]
    outcomes[output.key] = KINDS[rule.kind].read(rule, value, rows)


def _is_connection_error(exc: Exception) -> bool:
    name = type(exc).__name__
    return name in ("OperationalError", "InterfaceError", "ConnectionException") and any(
        word in str(exc).lower() for word in ("connect", "server", "closed", "lost", "gone")
    )
