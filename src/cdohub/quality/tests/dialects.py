"""The four kinds of source the engine runs on, for the quality tests: a throwaway database on the
real PostgreSQL and MariaDB servers, a SQLite file and a folder of Parquet files (DuckDB), each
reached through its `sources` connector (read-only, time-limited) like a real scan.

The servers are always there (CI included): one that does not answer fails the tests loudly.
PostgreSQL from CDOHUB_TEST_SOURCE_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432),
MariaDB from CDOHUB_TEST_SOURCE_MARIADB_URL (default mysql://root@127.0.0.1:3306).
"""

import contextlib
import datetime
import os
import secrets
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import duckdb
import psycopg
import pymysql
import pytest
from django.test import override_settings

from cdohub.datakit.connectors import Limits, SourceConfig, connector_for

PG_URL = os.environ.get("CDOHUB_TEST_SOURCE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
MARIADB_URL = os.environ.get("CDOHUB_TEST_SOURCE_MARIADB_URL", "mysql://root@127.0.0.1:3306")
DIALECTS = ("duckdb", "postgres", "mysql", "sqlite")
LIMITS = Limits(connect_timeout=5, statement_timeout=30)

TYPES = {
    "integer": {"postgres": "INTEGER", "mysql": "INTEGER", "sqlite": "INTEGER", "duckdb": "INTEGER"},
    "string": {
        "postgres": "VARCHAR(64)",
        "mysql": "VARCHAR(64)",
        "sqlite": "VARCHAR(64)",
        "duckdb": "VARCHAR",
    },
    "date": {"postgres": "DATE", "mysql": "DATE", "sqlite": "DATE", "duckdb": "DATE"},
    "datetime": {"postgres": "TIMESTAMP", "mysql": "DATETIME", "sqlite": "TIMESTAMP", "duckdb": "TIMESTAMP"},
}


def _server(url: str, port: int) -> dict:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or port,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
    }


@dataclass
class Target:
    dialect: str
    connector: object
    tables: dict = field(default_factory=dict)  # table name → its reference for compile_scan
    tables_files: dict = field(default_factory=dict)  # DuckDB: table name → its Parquet file

    def table(self, name: str):
        return self.tables[name]

    def relation(self, reference):
        """Table names in rules (referential, custom SQL) as the source reads them: on the folder
        source, the Parquet file; elsewhere the name as it is (None)."""
        if self.dialect != "duckdb":
            return None
        name = reference if isinstance(reference, str) else reference[-1]
        return self.connector.relation("", self.tables_files.get(name, name))

    def sql_name(self, name: str) -> str:
        """How custom SQL written by a person names the table on this source."""
        return f'"{self.tables_files.get(name, name)}"'


def _sqlite_value(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class Servers:
    """Creates the same tables on every dialect: `create(name, columns, rows)`; `close()` drops all."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="cdohub-quality-"))
        self.files = self.folder / "files"
        self.files.mkdir()
        self.settings = override_settings(CDOHUB={"SOURCE_FILE_ROOTS": [self.folder]})
        self.settings.enable()
        self.name = f"cdohub_quality_{secrets.token_hex(4)}"
        pg = _server(PG_URL, 5432)
        try:
            self.pg_admin = psycopg.connect(
                host=pg["host"],
                port=pg["port"],
                user=pg["user"],
                password=pg["password"] or None,
                dbname="postgres",
                autocommit=True,
                connect_timeout=3,
            )
        except psycopg.Error as exc:
            self.settings.disable()
            shutil.rmtree(self.folder, ignore_errors=True)
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL}: {exc}")
        self.pg_admin.execute(f"CREATE DATABASE \"{self.name}\" ENCODING 'UTF8' TEMPLATE template0")
        self.pg = psycopg.connect(
            host=pg["host"],
            port=pg["port"],
            user=pg["user"],
            password=pg["password"] or None,
            dbname=self.name,
        )
        self.pg.autocommit = True
        maria = _server(MARIADB_URL, 3306)
        try:
            self.maria = pymysql.connect(
                host=maria["host"],
                port=maria["port"],
                user=maria["user"],
                password=maria["password"],
                charset="utf8mb4",
                autocommit=True,
                connect_timeout=3,
            )
        except pymysql.MySQLError as exc:
            self.close()
            pytest.fail(f"MariaDB is not reachable at {MARIADB_URL}: {exc}")
        with self.maria.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE `{self.name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            cursor.execute(f"USE `{self.name}`")
        self.sqlite_path = self.folder / "source.sqlite3"
        self.sqlite = sqlite3.connect(self.sqlite_path)
        self.targets = {
            "postgres": Target(
                "postgres",
                connector_for(
                    SourceConfig(
                        kind="postgresql",
                        host=pg["host"],
                        port=pg["port"],
                        database=self.name,
                        username=pg["user"],
                        password=pg["password"],
                    ),
                    LIMITS,
                ),
            ),
            "mysql": Target(
                "mysql",
                connector_for(
                    SourceConfig(
                        kind="mysql",
                        host=maria["host"],
                        port=maria["port"],
                        database=self.name,
                        username=maria["user"],
                        password=maria["password"],
                    ),
                    LIMITS,
                ),
            ),
            "sqlite": Target(
                "sqlite", connector_for(SourceConfig(kind="sqlite", path=str(self.sqlite_path)), LIMITS)
            ),
            "duckdb": Target(
                "duckdb", connector_for(SourceConfig(kind="files", path=str(self.files)), LIMITS)
            ),
        }

    def create(self, name: str, columns: dict[str, str], rows: list[tuple]) -> None:
        for dialect in DIALECTS:
            ddl = ", ".join(f'"{c}" {TYPES[t][dialect]}' for c, t in columns.items())
            if dialect == "mysql":
                ddl = ddl.replace('"', "`")
            create = (
                f'CREATE TABLE "{name}" ({ddl})' if dialect != "mysql" else f"CREATE TABLE `{name}` ({ddl})"
            )
            marks = ", ".join(["?" if dialect in ("sqlite", "duckdb") else "%s"] * len(columns))
            insert = f'INSERT INTO "{name}" VALUES ({marks})'
            target = self.targets[dialect]
            if dialect == "postgres":
                self.pg.execute(create)
                with self.pg.cursor() as cursor:
                    cursor.executemany(insert, rows)
                target.tables[name] = name
            elif dialect == "mysql":
                with self.maria.cursor() as cursor:
                    cursor.execute(create)
                    cursor.executemany(insert.replace('"', "`"), rows)
                target.tables[name] = name
            elif dialect == "sqlite":
                self.sqlite.execute(create)
                self.sqlite.executemany(insert, [tuple(_sqlite_value(v) for v in row) for row in rows])
                self.sqlite.commit()
                target.tables[name] = name
            else:
                con = duckdb.connect()
                con.execute(create)
                con.executemany(insert, rows)
                path = self.files / f"{name}.parquet"
                con.execute(f"COPY \"{name}\" TO '{path}' (FORMAT parquet)")
                con.close()
                target.tables_files[name] = path.name
                target.tables[name] = target.connector.relation("", path.name)

    def close(self) -> None:
        for closing in (
            lambda: self.sqlite.close(),
            lambda: self.maria.cursor().execute(f"DROP DATABASE IF EXISTS `{self.name}`"),
            lambda: self.maria.close(),
            lambda: self.pg.close(),
            lambda: self.pg_admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'),
            lambda: self.pg_admin.close(),
        ):
            with contextlib.suppress(Exception):  # cleaning up as far as possible
                closing()
        self.settings.disable()
        shutil.rmtree(self.folder, ignore_errors=True)
