"""SQLite files, opened read-only; statements are interrupted at the statement timeout.

SQLite keeps no comments, so the `-- 注释` written after a column (or after the opening line of
CREATE TABLE) in the table's CREATE text stands in for them.
"""

import re
import sqlite3
import time
from urllib.parse import quote

from django.utils.translation import gettext as _

from . import types
from .base import ColumnInfo, Connector, Session, SourceError, TableInfo, resolve_path, statement_timed_out

SQLITE_HEADER = b"SQLite format 3\x00"

OBJECTS = """
SELECT m.type, m.name, m.sql, p.cid, p.name, p.type, p."notnull", p.pk
FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, p.cid
"""

_IDENTIFIER = re.compile(r'\s*(?:"((?:[^"]|"")+)"|`((?:[^`]|``)+)`|\[([^\]]+)\]|([^\s,()]+))')


def inline_comments(create_sql: str) -> tuple[str, dict[str, str]]:
    """(table comment, {column: comment}) from `-- …` comments in a CREATE TABLE statement."""
    table_comment, columns = "", {}
    for number, line in enumerate((create_sql or "").splitlines()):
        code, sep, comment = line.partition("--")
        comment = comment.strip()
        if not sep or not comment:
            continue
        if number == 0 or re.match(r"\s*create\s", code, re.IGNORECASE):
            table_comment = table_comment or comment
            continue
        found = _IDENTIFIER.match(code)
        if found:
            name = next(g for g in found.groups() if g is not None)
            columns.setdefault(name.replace('""', '"').replace("``", "`"), comment)
    return table_comment, columns


def stat_estimates(conn) -> dict[str, int]:
    """Row estimates from sqlite_stat1 (its first number is the table's rows), if it was ANALYZEd."""
    try:
        rows = conn.execute("SELECT tbl, stat FROM sqlite_stat1").fetchall()
    except sqlite3.Error:
        return {}
    found = {}
    for table, stat in rows:
        first = str(stat or "").split(" ", 1)[0]
        if first.isdigit():
            found[table] = int(first)
    return found


def _regexp(compiled: dict):
    def regexp(pattern, value):  # SQLite calls regexp(Y, X) for X REGEXP Y
        """``value REGEXP pattern`` (SQLite has no regular expressions of its own): Python's re."""
        if value is None or pattern is None:
            return None
        found = compiled.get(pattern)
        if found is None:
            found = compiled[pattern] = re.compile(pattern, re.ASCII)  # \d is 0-9, as elsewhere
        return 1 if found.search(str(value)) else 0

    return regexp


class SQLiteSession(Session):
    def __init__(self, connector: "SQLiteConnector"):
        self.connector = connector
        self.conn = connector.connect()
        self.conn.create_function("regexp", 2, _regexp({}), deterministic=True)

    def query(self, sql: str, params=None, max_rows: int | None = None):
        deadline = time.monotonic() + self.connector.limits.statement_timeout
        self.conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            cursor = self.conn.execute(sql, params or ())
            rows = cursor.fetchmany(max_rows) if max_rows else cursor.fetchall()
            return [d[0] for d in cursor.description or ()], [tuple(r) for r in rows]
        except (sqlite3.Error, re.error) as exc:
            raise self.connector.error(exc) from None
        finally:
            self.conn.set_progress_handler(None, 0)

    def close(self) -> None:
        self.conn.close()


class SQLiteConnector(Connector):
    kind = "sqlite"
    dialect = "sqlite"

    def connect(self) -> sqlite3.Connection:
        path = resolve_path(self.config.path)
        if not path.is_file():
            raise SourceError(
                _("There is no file at %(path)s.") % {"path": self.config.path}, "folder_missing"
            )
        try:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise SourceError(
                _("Cannot read %(path)s: %(detail)s") % {"path": path, "detail": exc.strerror}, "file"
            ) from None
        if header != SQLITE_HEADER:
            raise SourceError(
                _("%(path)s is not a SQLite database file.") % {"path": self.config.path}, "not_sqlite"
            )
        try:
            conn = sqlite3.connect(
                f"file:{quote(str(path))}?mode=ro", uri=True, timeout=self.limits.connect_timeout
            )
            conn.execute("PRAGMA query_only = 1")
        except sqlite3.Error as exc:
            raise self.error(exc) from None
        return conn

    def error(self, exc: Exception) -> SourceError:
        text = str(exc)
        if "interrupted" in text:
            return statement_timed_out(self.limits.statement_timeout)
        if "not a database" in text or "malformed" in text:
            return SourceError(
                _("%(path)s is not a SQLite database file.") % {"path": self.config.path}, "not_sqlite"
            )
        if "locked" in text or "busy" in text:
            return SourceError(_("The SQLite database is locked by another program; try again."), "timeout")
        return SourceError(_("SQLite error: %(detail)s") % {"detail": text}, "error")

    def open_session(self) -> SQLiteSession:
        return SQLiteSession(self)

    def relation(self, schema: str, name: str):
        from sqlglot import exp

        return exp.Table(this=exp.to_identifier(name, quoted=True))

    def _limited(self, conn, query: str, params=()):
        """Run `query`, interrupting it once the statement timeout has passed."""
        deadline = time.monotonic() + self.limits.statement_timeout
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            return conn.execute(query, params).fetchall()
        finally:
            conn.set_progress_handler(None, 0)

    def check(self) -> None:
        conn = self.connect()
        try:
            self._limited(conn, "SELECT count(*) FROM sqlite_master")
        except sqlite3.Error as exc:
            raise self.error(exc) from None
        finally:
            conn.close()

    def discover(self, progress=None) -> list[TableInfo]:
        conn = self.connect()
        try:
            rows = self._limited(conn, OBJECTS)
            estimates = stat_estimates(conn)
            tables: dict[str, TableInfo] = {}
            comments: dict[str, dict[str, str]] = {}
            for kind, table_name, create_sql, cid, name, declared, notnull, pk in rows:
                table = tables.get(table_name)
                if table is None:
                    table_comment, comments[table_name] = inline_comments(create_sql)
                    table = tables[table_name] = TableInfo(
                        schema="main", name=table_name, comment=table_comment, kind=kind
                    )
                length, scale = types.declared_size(declared)
                table.columns.append(
                    ColumnInfo(
                        name=name,
                        data_type=types.sqlite_type(declared),
                        length=length,
                        scale=scale,
                        comment=comments[table_name].get(name, ""),
                        nullable=not notnull and not pk,
                        position=cid + 1,
                        native_type=declared or "",
                    )
                )
            total = len(tables)
            self.report(progress, 0, total)
            for done, table in enumerate(tables.values(), 1):
                if table.kind == "table":
                    self._count(conn, table, estimates.get(table.name))
                self.report(progress, done, total)
            return list(tables.values())
        except sqlite3.Error as exc:
            raise self.error(exc) from None
        finally:
            conn.close()

    def _count(self, conn, table: TableInfo, estimate: int | None) -> None:
        table.row_count = estimate
        if estimate is not None and estimate >= self.limits.exact_count_below:
            return
        name = table.name.replace('"', '""')
        try:
            table.row_count = self._limited(conn, f'SELECT count(*) FROM "{name}"')[0][0]
            table.row_count_exact = True
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
