"""PostgreSQL through psycopg 3: a read-only session with a statement timeout, and the whole
schema read in two catalog queries (tables, then columns) whatever the number of tables."""

from pathlib import Path

import psycopg
from django.utils.translation import gettext as _
from psycopg import sql

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

# libpq falls back to ~/.pgpass (and PGPASSWORD) when no password is given: a unit must never
# sign in with the platform's own credentials. A password file that cannot exist turns that off.
NO_PASSFILE = str(Path(__file__).with_name("no-passfile"))
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema")

TABLES = """
SELECT c.oid, n.nspname, c.relname, c.relkind, d.description,
       CASE WHEN c.relkind = 'p' THEN (
           SELECT sum(greatest(ch.reltuples, 0)) FROM pg_catalog.pg_inherits i
           JOIN pg_catalog.pg_class ch ON ch.oid = i.inhrelid WHERE i.inhparent = c.oid
       ) ELSE c.reltuples END::bigint AS estimate,
       has_table_privilege(c.oid, 'SELECT') AS readable
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND NOT c.relispartition
  AND n.nspname <> ALL (%(system)s)
  AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp\\_%%'
  AND (%(schemas)s::text[] IS NULL OR n.nspname = ANY (%(schemas)s::text[]))
ORDER BY n.nspname, c.relname
"""

COLUMNS = """
SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
       coalesce(bt.typname, t.typname), coalesce(bt.typtype, t.typtype),
       CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,
       NOT (a.attnotnull OR coalesce(t.typnotnull, false)), d.description
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
WHERE a.attrelid = ANY (%(oids)s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

KINDS = {"r": "table", "p": "table", "v": "view", "m": "view", "f": "table"}
COUNTABLE = ("r", "p", "m")  # not views (their cost is unknown) nor foreign tables (another server)


def size_of(typname: str, typmod: int) -> tuple[int | None, int | None]:
    """Length or precision, and scale, from a type's modifier."""
    if typmod is None or typmod < 0:
        return None, None
    if typname in ("varchar", "bpchar") and typmod >= 4:
        return typmod - 4, None
    if typname == "numeric" and typmod >= 4:
        return ((typmod - 4) >> 16) & 0xFFFF, (typmod - 4) & 0xFFFF
    if typname in ("bit", "varbit"):
        return typmod, None
    return None, None


class PostgreSQLSession(Session):
    def __init__(self, connector: "PostgreSQLConnector"):
        self.connector = connector
        self.conn = connector.connect()

    def query(self, sql: str, params=None, max_rows: int | None = None):
        try:
            cursor = self.conn.execute(sql, params)
            rows = cursor.fetchmany(max_rows) if max_rows else cursor.fetchall()
            return [d.name for d in cursor.description or ()], [tuple(r) for r in rows]
        except psycopg.Error as exc:
            raise self.connector.error(exc) from None

    def close(self) -> None:
        self.conn.close()


class PostgreSQLConnector(Connector):
    kind = "postgresql"
    dialect = "postgres"
    default_port = 5432

    @property
    def port(self) -> int:
        return self.config.port or self.default_port

    def connect(self) -> psycopg.Connection:
        c, limits = self.config, self.limits
        timeout_ms = int(limits.statement_timeout * 1000)
        try:
            return psycopg.connect(
                host=c.host,
                port=self.port,
                dbname=c.database or "postgres",
                user=c.username or None,
                password=c.password,
                passfile=NO_PASSFILE,
                connect_timeout=limits.connect_seconds,
                application_name="cdohub-discovery",
                # A server that vanishes mid-query is noticed within about a minute.
                keepalives=1,
                keepalives_idle=30,
                keepalives_interval=10,
                keepalives_count=3,
                options=(
                    f"-c default_transaction_read_only=on -c statement_timeout={timeout_ms} "
                    f"-c lock_timeout={timeout_ms} -c idle_in_transaction_session_timeout={timeout_ms}"
                ),
                autocommit=True,
            )
        except psycopg.Error as exc:
            raise self.error(exc) from None

    def error(self, exc: Exception) -> SourceError:
        c = self.config
        text = self.scrub(str(exc))
        lowered = text.lower()
        if (
            isinstance(exc, psycopg.errors.QueryCanceled)
            or "canceling statement due to statement timeout" in lowered
        ):
            return statement_timed_out(self.limits.statement_timeout)
        if isinstance(exc, psycopg.errors.ConnectionTimeout) or "timeout expired" in lowered:
            return connect_timed_out(c.host, self.port, self.limits.connect_seconds)
        if "password authentication failed" in lowered or ("role" in lowered and "does not exist" in lowered):
            return auth_failed(c.username)
        if "no pg_hba.conf entry" in lowered or "authentication failed" in lowered:
            return auth_failed(c.username)
        if "password" in lowered and ("supplied" in lowered or "required" in lowered):
            return auth_failed(c.username)
        if "database" in lowered and "does not exist" in lowered:
            return no_database(c.database or "postgres")
        if "connection refused" in lowered:
            return refused(c.host, self.port)
        if "resolve host" in lowered or "translate host name" in lowered:
            return unreachable(c.host, self.port, _("unknown host name"))
        if "no route to host" in lowered or "network is unreachable" in lowered:
            return unreachable(c.host, self.port)
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            return SourceError(_("The database refused to read: %(detail)s") % {"detail": text}, "permission")
        return SourceError(_("PostgreSQL error: %(detail)s") % {"detail": text}, "error")

    def open_session(self) -> PostgreSQLSession:
        return PostgreSQLSession(self)

    def check(self) -> None:
        with self.connect() as conn:
            try:
                conn.execute("SELECT 1").fetchone()
            except psycopg.Error as exc:
                raise self.error(exc) from None

    def discover(self, progress=None) -> list[TableInfo]:
        schemas = list(self.config.schemas) or None
        with self.connect() as conn:
            try:
                rows = conn.execute(TABLES, {"system": list(SYSTEM_SCHEMAS), "schemas": schemas}).fetchall()
                total = len(rows)
                self.report(progress, 0, total)
                columns = self._columns(conn, [row[0] for row in rows])
            except psycopg.Error as exc:
                raise self.error(exc) from None
            tables = []
            for done, (oid, schema, name, relkind, comment, estimate, readable) in enumerate(rows, 1):
                table = TableInfo(
                    schema=schema,
                    name=name,
                    comment=comment or "",
                    kind=KINDS[relkind],
                    columns=columns.get(oid, []),
                )
                if relkind in COUNTABLE or relkind == "f":
                    table.row_count = estimate if estimate is not None and estimate >= 0 else None
                if relkind in COUNTABLE and readable and self._wants_exact(table.row_count):
                    self._count(conn, table)
                tables.append(table)
                self.report(progress, done, total)
        return tables

    def _columns(self, conn, oids: list[int]) -> dict[int, list[ColumnInfo]]:
        found: dict[int, list[ColumnInfo]] = {}
        if not oids:
            return found
        for oid, num, name, native, typname, typtype, typmod, nullable, comment in conn.execute(
            COLUMNS, {"oids": oids}
        ):
            length, scale = size_of(typname, typmod)
            portable = types.STRING if typtype == "e" else types.portable_type(native)
            if typname.startswith("_"):
                portable = types.OTHER  # an array
            found.setdefault(oid, []).append(
                ColumnInfo(
                    name=name,
                    data_type=portable,
                    length=length,
                    scale=scale,
                    comment=comment or "",
                    nullable=bool(nullable),
                    position=num,
                    native_type=native,
                )
            )
        return found

    def _wants_exact(self, estimate: int | None) -> bool:
        return estimate is None or estimate < self.limits.exact_count_below

    def _count(self, conn, table: TableInfo) -> None:
        """The exact row count, or the estimate kept if counting times out or is not allowed."""
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(table.schema), sql.Identifier(table.name)
        )
        try:
            table.row_count = conn.execute(query).fetchone()[0]
            table.row_count_exact = True
        except (
            psycopg.errors.QueryCanceled,
            psycopg.errors.LockNotAvailable,
            psycopg.errors.InsufficientPrivilege,
        ):
            pass  # timed out, waited too long for a lock, or may not read it
        except psycopg.OperationalError as exc:
            raise self.error(exc) from None
