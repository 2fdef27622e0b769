"""A registered data source as the engine's scan target: read-only, time-limited sessions opened
through the source's own connector (``datakit.connectors``), the table's columns as they are now,
and the table expression in the source's dialect.

- PostgreSQL and MariaDB/MySQL: the connector's read-only connection (statement timeout set by
  the server); driver errors become the connector's ``SourceError`` with a clear message.
- SQLite: the connector's read-only connection, interrupted at the statement timeout, with
  ``regexp()`` installed for regex rules.
- A folder of files: an in-memory DuckDB that may read only the folder; each CSV/Parquet file the
  scan needs is a view over ``read_csv_auto``/``read_parquet``; a workbook sheet is loaded into a
  table from python-calamine (sheets are small: a spreadsheet holds at most about a million rows).

Every statement first calls ``before_statement`` (the run's progress and cancellation check).
"""

import datetime
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from cdohub.datakit.connectors import Limits, SourceError, connector_for
from cdohub.datakit.connectors import types as portable

from .engine import install_sqlite_regexp, table_expression

DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite", "files": "duckdb"}
DUCKDB_TYPES = {
    portable.STRING: "VARCHAR",
    portable.INTEGER: "BIGINT",
    portable.FLOAT: "DOUBLE",
    portable.DECIMAL: "DOUBLE",
    portable.BOOLEAN: "BOOLEAN",
    portable.DATE: "DATE",
    portable.DATETIME: "TIMESTAMP",
}


def _conf(name: str, default):
    return getattr(settings, "CDOHUB", {}).get(name, default)


def dialect_of(source) -> str:
    return DIALECTS[source.kind]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Target:
    """Sessions on one source, for the tables `tables` ((schema, name) pairs) of a scan."""

    def __init__(self, source, before_statement: Callable[[], None] | None = None):
        self.source = source
        self.kind = source.kind
        self.dialect = dialect_of(source)
        # A check reads whole tables: its statements get longer than discovery's catalog queries.
        limits = Limits.from_settings()
        self.connector = connector_for(
            source.config(), replace(limits, statement_timeout=float(_conf("QUALITY_STATEMENT_TIMEOUT", 900)))
        )
        self.before_statement = before_statement
        self.tables: set[tuple[str, str]] = set()

    # What the engine is given -------------------------------------------------------------

    def table(self, schema: str, name: str):
        """The table as the engine names it: (schema, name), or its name alone."""
        if self.kind == "sqlite":
            return name
        if self.kind == "files":
            return (schema, name) if schema else name
        return (schema, name) if schema else name

    def relation(self, reference):
        """A referential rule's table reference, made known to file sessions."""
        if isinstance(reference, list | tuple):
            schema, name = (reference[0], reference[1]) if len(reference) == 2 else ("", reference[0])
        else:
            schema, name = "", str(reference)
        self.tables.add((schema, name))
        return table_expression(self.table(schema, name), self.dialect)

    def check(self) -> None:
        """Raise the connector's clear SourceError if the source cannot be reached."""
        self.connector.check()

    def columns(self, schema: str, name: str) -> dict[str, str]:
        """{column: portable type} of the table now; SourceError("no_table") if it is gone."""
        self.tables.add((schema, name))
        with self.session() as session:
            found = session.columns(schema, name)
        if not found:
            raise SourceError(
                _("The table %(table)s no longer exists in the source.")
                % {"table": f"{schema}.{name}" if schema else name},
                "no_table",
            )
        return found

    # Sessions ------------------------------------------------------------------------------

    @contextmanager
    def session(self):
        opener = {
            "postgresql": self._server,
            "mysql": self._server,
            "sqlite": self._sqlite,
            "files": self._files,
        }[self.kind]
        conn = opener()
        try:
            yield _Session(self, conn)
        finally:
            with suppress(Exception):  # closing a broken connection
                conn.close()

    def _server(self):
        return self.connector.connect()

    def _sqlite(self):
        conn = self.connector.connect()
        install_sqlite_regexp(conn)
        return conn

    def _files(self):
        import duckdb

        base = self.connector.folder()
        folder = base.parent if base.is_file() else base
        con = duckdb.connect(":memory:")
        try:
            for schema, name in sorted(self.tables):
                self._load(con, folder, schema, name)
            for statement in (
                "SET threads = 2",
                "SET memory_limit = '1GB'",
                "SET autoinstall_known_extensions = false",
                "SET autoload_known_extensions = false",
                f"SET allowed_directories = ['{str(folder).rstrip('/')}/']",
                "SET enable_external_access = false",
                "SET lock_configuration = true",
            ):
                con.execute(statement)
        except Exception:
            con.close()
            raise
        return con

    def _load(self, con, folder: Path, schema: str, name: str) -> None:
        """The file (or sheet) as a view (or table) `schema`.`name` in the session's DuckDB."""
        import duckdb

        from cdohub.datakit.connectors.files import DUCKDB_FORMATS, WORKBOOKS

        target = f"{_quote(schema)}.{_quote(name)}" if schema else _quote(name)
        if schema:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}")
        candidate = (folder / schema / name) if schema else folder / name
        path = candidate.resolve()
        if path.suffix.lower() in DUCKDB_FORMATS and path.is_file() and path.is_relative_to(folder.resolve()):
            reader = "read_csv_auto" if path.suffix.lower() == ".csv" else "read_parquet"
            literal = "'" + str(path).replace("'", "''") + "'"
            try:
                con.execute(f"CREATE VIEW {target} AS SELECT * FROM {reader}({literal})")
            except duckdb.Error as exc:
                raise self.connector.file_error(path.relative_to(folder.resolve()), exc) from None
            return
        book = (folder / schema).resolve() if schema else None
        if (
            book
            and book.suffix.lower() in WORKBOOKS
            and book.is_file()
            and book.is_relative_to(folder.resolve())
        ):
            rows = _sheet_rows(book, name)
            if rows is not None:
                _create_sheet_table(con, target, rows)
                return
        # not there (any more): leave it out; the columns query finds nothing and says so

    def _files_columns(self, con, schema, name) -> dict[str, str]:
        import duckdb

        target = f"{_quote(schema)}.{_quote(name)}" if schema else _quote(name)
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {target}").fetchall()
        except duckdb.CatalogException:
            return {}
        return {row[0]: portable.portable_type(row[1]) for row in described}


def _sheet_rows(book: Path, sheet: str):
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(book))
    try:
        if sheet not in workbook.sheet_names:
            return None
        return workbook.get_sheet_by_name(sheet).to_python()
    finally:
        workbook.close()


def _create_sheet_table(con, target: str, rows: list) -> None:
    from cdohub.datakit.connectors.files import header_names, infer_type

    if not rows:
        return
    names = header_names(rows[0])
    body = rows[1:]
    kinds = [infer_type(r[i] if i < len(r) else None for r in body[:1000]) for i in range(len(names))]
    types = [DUCKDB_TYPES.get(k, "VARCHAR") for k in kinds]
    con.execute(
        f"CREATE TABLE {target} ({', '.join(f'{_quote(n)} {t}' for n, t in zip(names, types, strict=True))})"
    )

    def cell(value, kind):
        if value is None or value == "":
            return None if kind != portable.STRING else value
        if kind == portable.STRING:
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)
        if kind == portable.INTEGER and isinstance(value, float):
            return int(value)
        if kind in (portable.DATE, portable.DATETIME) and not isinstance(value, datetime.date):
            return None
        return value

    values = [tuple(cell(r[i] if i < len(r) else None, kinds[i]) for i in range(len(names))) for r in body]
    if values:
        con.executemany(f"INSERT INTO {target} VALUES ({', '.join('?' for _ in names)})", values)


class _Session:
    """What the engine calls: ``query(sql) -> (columns, rows)``, each within the time limit."""

    def __init__(self, target: Target, conn):
        self.target = target
        self.conn = conn

    def query(self, sql: str, params=None, max_rows: int | None = None):
        if self.target.before_statement is not None:
            self.target.before_statement()
        kind = self.target.kind
        try:
            if kind == "sqlite":
                return self._sqlite(sql, params, max_rows)
            if kind == "files":
                return self._duckdb(sql, params, max_rows)
            return self._cursor(sql, params, max_rows)
        except SourceError:
            raise
        except Exception as exc:  # noqa: BLE001  (a driver's error, told in the connector's words)
            error = getattr(self.target.connector, "error", None)
            if kind == "files" or error is None:
                raise
            raise error(exc) from None

    def _cursor(self, sql, params, max_rows):
        cursor = self.conn.cursor()
        try:
            cursor.execute(sql) if params is None else cursor.execute(sql, params)
            rows = cursor.fetchmany(max_rows) if max_rows else cursor.fetchall()
            columns = [d[0] for d in cursor.description or ()]
        finally:
            cursor.close()
        return columns, [tuple(r) for r in rows]

    def _sqlite(self, sql, params, max_rows):
        limit = self.target.connector.limits.statement_timeout
        deadline = time.monotonic() + limit
        self.conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            cursor = self.conn.execute(sql, params or ())
            rows = cursor.fetchmany(max_rows) if max_rows else cursor.fetchall()
            columns = [d[0] for d in cursor.description or ()]
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                from cdohub.datakit.connectors.base import statement_timed_out

                raise statement_timed_out(limit) from None
            raise
        finally:
            self.conn.set_progress_handler(None, 0)
        return columns, [tuple(r) for r in rows]

    def _duckdb(self, sql, params, max_rows):
        import duckdb

        limit = self.target.connector.limits.statement_timeout
        timer = threading.Timer(limit, self.conn.interrupt)
        timer.start()
        try:
            result = self.conn.execute(sql, params) if params is not None else self.conn.execute(sql)
            rows = result.fetchmany(max_rows) if max_rows else result.fetchall()
            columns = [d[0] for d in result.description or ()]
        except duckdb.InterruptException:
            from cdohub.datakit.connectors.base import statement_timed_out

            raise statement_timed_out(limit) from None
        finally:
            timer.cancel()
        return columns, [tuple(r) for r in rows]

    def columns(self, schema: str, name: str) -> dict[str, str]:
        kind = self.target.kind
        if kind == "files":
            return self.target._files_columns(self.conn, schema, name)
        if kind == "sqlite":
            _, rows = self._sqlite("SELECT name, type FROM pragma_table_info(?)", (name,), None)
            return {r[0]: portable.sqlite_type(r[1]) for r in rows}
        if kind == "postgresql":
            sql = (
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position"
            )
            _, rows = self.query(sql, (schema or "public", name))
        else:
            sql = (
                "SELECT column_name, column_type FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position"
            )
            _, rows = self.query(sql, (schema or self.target.source.database, name))
        return {r[0]: portable.portable_type(str(r[1])) for r in rows}


__all__ = ["DIALECTS", "Target", "dialect_of"]
