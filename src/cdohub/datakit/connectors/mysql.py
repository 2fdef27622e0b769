"""MariaDB and MySQL through PyMySQL: a read-only session whose statements the server stops after
the statement timeout, and the schema read from information_schema in two queries."""

import contextlib
import socket

import pymysql
from django.utils.translation import gettext as _

from . import types
from .base import (
    ColumnInfo,
    Connector,
    Session,
    SourceError,
    TableInfo,
    auth_failed,
    connect_timed_out,
    no_database,
    refused,
    statement_timed_out,
    unreachable,
)

SYSTEM_SCHEMAS = ("information_schema", "mysql", "performance_schema", "sys")
ACCESS_DENIED, DB_ACCESS_DENIED, UNKNOWN_DATABASE = 1045, 1044, 1049
CANNOT_CONNECT, UNKNOWN_HOST, LOST_CONNECTION, SERVER_GONE = 2003, 2005, 2013, 2006
STATEMENT_TIMEOUTS = (1969, 3024)  # MariaDB max_statement_time, MySQL max_execution_time
LOCK_WAIT_TIMEOUT = 1205
NO_PRIVILEGE = (1142, 1143)

TABLES = """
SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_COMMENT, TABLE_ROWS
FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ({schemas})
ORDER BY TABLE_SCHEMA, TABLE_NAME
"""
COLUMNS = """
SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE,
       CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, IS_NULLABLE, COLUMN_COMMENT
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN ({schemas})
ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION
"""


def quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""


class MySQLSession(Session):
    def __init__(self, connector: "MySQLConnector"):
        self.connector = connector
        self.conn = connector.connect()
        # Text the query makes (CASTs, literals) takes the database's collation rather than the
        # client's, so comparing it with columns raises no "illegal mix of collations" (a
        # utf8mb4_unicode_ci database and utf8mb4_general_ci connection). utf8mb4 databases only.
        try:
            with self.conn.cursor() as cursor:
                cursor.execute(
                    "SET collation_connection = IF(@@character_set_database = 'utf8mb4', "
                    "@@collation_database, @@collation_connection)"
                )
        except pymysql.MySQLError as exc:
            self.close()
            raise connector.error(exc) from None

    def query(self, sql: str, params=None, max_rows: int | None = None):
        try:
            with self.conn.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchmany(max_rows) if max_rows else cursor.fetchall()
                columns = [text(d[0]) for d in cursor.description or ()]
            return columns, [tuple(r) for r in rows]
        except pymysql.MySQLError as exc:
            raise self.connector.error(exc) from None

    def close(self) -> None:
        with contextlib.suppress(pymysql.MySQLError):
            self.conn.close()


class MySQLConnector(Connector):
    kind = "mysql"
    dialect = "mysql"
    default_port = 3306

    @property
    def port(self) -> int:
        return self.config.port or self.default_port

    def connect(self) -> pymysql.connections.Connection:
        c, limits = self.config, self.limits
        # During the handshake every read waits at most the connect timeout, so a server that
        # accepts and never answers is given up on in time; queries then get the statement timeout.
        try:
            conn = pymysql.connect(
                host=c.host,
                port=self.port,
                user=c.username,
                password=c.password,
                database=c.database or None,
                charset="utf8mb4",
                connect_timeout=limits.connect_timeout,
                read_timeout=limits.connect_timeout,
                write_timeout=limits.connect_timeout,
                autocommit=True,
                local_infile=False,
            )
        except pymysql.MySQLError as exc:
            raise self.error(exc, connecting=True) from None
        conn._read_timeout = limits.statement_timeout + limits.connect_timeout  # the client's backstop
        try:
            with conn.cursor() as cursor:
                cursor.execute("SET SESSION TRANSACTION READ ONLY")
                seconds = max(1, round(limits.statement_timeout))
                cursor.execute("SET SESSION lock_wait_timeout = %s", (seconds,))
                cursor.execute("SET SESSION innodb_lock_wait_timeout = %s", (seconds,))
                if "mariadb" in conn.get_server_info().lower():
                    cursor.execute("SET SESSION max_statement_time = %s", (limits.statement_timeout,))
                else:
                    cursor.execute(
                        "SET SESSION max_execution_time = %s", (int(limits.statement_timeout * 1000),)
                    )
        except pymysql.MySQLError as exc:
            conn.close()
            raise self.error(exc) from None
        return conn

    def error(self, exc: Exception, connecting: bool = False) -> SourceError:
        c = self.config
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
        detail = self.scrub(exc.args[1] if len(exc.args) > 1 else str(exc))
        original = getattr(exc, "original_exception", None)
        if code in (ACCESS_DENIED, DB_ACCESS_DENIED):
            return auth_failed(c.username)
        if code == UNKNOWN_DATABASE:
            return no_database(c.database)
        if code in (*STATEMENT_TIMEOUTS, LOCK_WAIT_TIMEOUT):
            return statement_timed_out(self.limits.statement_timeout)
        if isinstance(original, ConnectionRefusedError):
            return refused(c.host, self.port)
        if isinstance(original, socket.gaierror) or code == UNKNOWN_HOST:
            return unreachable(c.host, self.port, _("unknown host name"))
        if isinstance(original, TimeoutError) or "timed out" in detail.lower():
            if connecting:
                return connect_timed_out(c.host, self.port, self.limits.connect_timeout)
            return statement_timed_out(self.limits.statement_timeout)
        if code == CANNOT_CONNECT or isinstance(original, OSError):
            return unreachable(c.host, self.port, detail)
        if code in (LOST_CONNECTION, SERVER_GONE):
            if connecting:
                return SourceError(
                    _("%(host)s:%(port)s closed the connection: is it a MariaDB or MySQL server?")
                    % {"host": c.host, "port": self.port},
                    "unreachable",
                )
            return SourceError(
                _("The connection to the source was lost: %(detail)s") % {"detail": detail}, "error"
            )
        if code in NO_PRIVILEGE:
            return SourceError(
                _("The database refused to read: %(detail)s") % {"detail": detail}, "permission"
            )
        return SourceError(_("MariaDB/MySQL error: %(detail)s") % {"detail": detail}, "error")

    def open_session(self) -> MySQLSession:
        return MySQLSession(self)

    def check(self) -> None:
        conn = self.connect()
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except pymysql.MySQLError as exc:
            raise self.error(exc) from None
        finally:
            conn.close()

    def _schemas(self, cursor) -> list[str]:
        if self.config.schemas:
            return list(self.config.schemas)
        if self.config.database:
            return [self.config.database]
        cursor.execute(
            "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN %s ORDER BY 1",
            (SYSTEM_SCHEMAS,),
        )
        return [text(row[0]) for row in cursor.fetchall()]

    def discover(self, progress=None) -> list[TableInfo]:
        conn = self.connect()
        try:
            with conn.cursor() as cursor:
                schemas = self._schemas(cursor)
                if not schemas:
                    self.report(progress, 0, 0)
                    return []
                placeholders = ", ".join(["%s"] * len(schemas))
                cursor.execute(TABLES.format(schemas=placeholders), schemas)
                rows = cursor.fetchall()
                self.report(progress, 0, len(rows))
                cursor.execute(COLUMNS.format(schemas=placeholders), schemas)
                columns = self._columns(cursor.fetchall())
                tables = []
                for done, (schema, name, table_type, comment, estimate) in enumerate(rows, 1):
                    schema, name = text(schema), text(name)
                    view = "VIEW" in text(table_type).upper()
                    table = TableInfo(
                        schema=schema,
                        name=name,
                        comment="" if view else text(comment),
                        kind="view" if view else "table",
                        row_count=None if view or estimate is None else int(estimate),
                        columns=columns.get((schema, name), []),
                    )
                    if not view and (
                        table.row_count is None or table.row_count < self.limits.exact_count_below
                    ):
                        self._count(cursor, table)
                    tables.append(table)
                    self.report(progress, done, len(rows))
            return tables
        except pymysql.MySQLError as exc:
            raise self.error(exc) from None
        finally:
            conn.close()

    def _columns(self, rows) -> dict[tuple[str, str], list[ColumnInfo]]:
        found: dict[tuple[str, str], list[ColumnInfo]] = {}
        for (
            schema,
            table,
            name,
            position,
            data_type,
            column_type,
            char_len,
            precision,
            scale,
            nullable,
            comment,
        ) in rows:
            portable = types.portable_type(text(data_type))
            if portable == types.STRING:
                length, scale = char_len, None
            elif portable == types.DECIMAL:
                length = precision
            else:
                length, scale = None, None
            found.setdefault((text(schema), text(table)), []).append(
                ColumnInfo(
                    name=text(name),
                    data_type=portable,
                    length=int(length) if length is not None else None,
                    scale=int(scale) if scale is not None else None,
                    comment=text(comment),
                    nullable=text(nullable).upper() == "YES",
                    position=int(position),
                    native_type=text(column_type),
                )
            )
        return found

    def _count(self, cursor, table: TableInfo) -> None:
        """The exact row count; the server's estimate is kept if counting times out or is refused."""
        try:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table.schema)}.{quote(table.name)}")
            table.row_count = int(cursor.fetchone()[0])
            table.row_count_exact = True
        except pymysql.MySQLError as exc:
            code = exc.args[0] if exc.args else None
            if code not in (*STATEMENT_TIMEOUTS, LOCK_WAIT_TIMEOUT, *NO_PRIVILEGE):
                raise
