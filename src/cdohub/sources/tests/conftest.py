"""Fixtures for the sources tests: real PostgreSQL and MariaDB servers (a throwaway database in
each, dropped afterwards), folders under a temporary allowed root, and discovery run at once.

The servers come from CDOHUB_TEST_SOURCE_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432)
and CDOHUB_TEST_SOURCE_MARIADB_URL (default mysql://root@127.0.0.1:3306). A server that is not
reachable skips its tests, except where servers are required (`core.testing.servers_required`),
where it fails them.
"""

import os
import secrets
import socket
import threading
from urllib.parse import unquote, urlsplit

import psycopg
import pymysql
import pytest
from psycopg import sql

from cdohub.core.testing import unavailable
from cdohub.sources import services

PG_URL = os.environ.get("CDOHUB_TEST_SOURCE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
MARIADB_URL = os.environ.get("CDOHUB_TEST_SOURCE_MARIADB_URL", "mysql://root@127.0.0.1:3306")


def server(url: str, default_port: int) -> dict:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or default_port,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
    }


class Database:
    """A throwaway database on a real server, with helpers to change it."""

    def __init__(self, kind, name, conn, params):
        self.kind, self.name, self.conn, self.params = kind, name, conn, params

    def run(self, *statements):
        if self.kind == "postgresql":
            for statement in statements:
                self.conn.execute(statement)
        else:
            with self.conn.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)

    def source_fields(self, **extra) -> dict:
        fields = {
            "kind": self.kind,
            "host": self.params["host"],
            "port": self.params["port"],
            "database": self.name,
            "username": self.params["user"],
        }
        return {**fields, **extra}


@pytest.fixture
def pg_db():
    params = server(PG_URL, 5432)
    try:
        admin = psycopg.connect(
            host=params["host"],
            port=params["port"],
            user=params["user"],
            password=params["password"] or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=3,
        )
    except psycopg.Error as exc:
        unavailable("PostgreSQL", exc)
    name = f"cdohub_test_src_{secrets.token_hex(4)}"
    create = sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0")
    admin.execute(create.format(sql.Identifier(name)))
    conn = psycopg.connect(
        host=params["host"],
        port=params["port"],
        user=params["user"],
        password=params["password"] or None,
        dbname=name,
        autocommit=True,
    )
    try:
        yield Database("postgresql", name, conn, params)
    finally:
        conn.close()
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


@pytest.fixture
def maria_db():
    params = server(MARIADB_URL, 3306)
    try:
        conn = pymysql.connect(
            host=params["host"],
            port=params["port"],
            user=params["user"],
            password=params["password"],
            charset="utf8mb4",
            autocommit=True,
            connect_timeout=3,
        )
    except pymysql.MySQLError as exc:
        unavailable("MariaDB", exc)
    name = f"cdohub_test_src_{secrets.token_hex(4)}"
    db = Database("mysql", name, conn, params)
    db.run(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", f"USE `{name}`")
    db.users = []
    try:
        yield db
    finally:
        for user in db.users:
            db.run(f"DROP USER IF EXISTS '{user}'@'%'")
        db.run(f"DROP DATABASE IF EXISTS `{name}`")
        conn.close()


@pytest.fixture
def source_root(tmp_path, settings):
    """A temporary folder that file and SQLite sources may be read from (and only it)."""
    root = tmp_path / "sources"
    root.mkdir()
    settings.CDOHUB = {**settings.CDOHUB, "SOURCE_FILE_ROOTS": [root]}
    return root


@pytest.fixture
def limits(settings):
    """Set the source time limits for one test: limits(connect=1, statement=2)."""

    def apply(connect=None, statement=None, discovery=None):
        conf = dict(settings.CDOHUB)
        if connect is not None:
            conf["SOURCE_CONNECT_TIMEOUT"] = connect
        if statement is not None:
            conf["SOURCE_STATEMENT_TIMEOUT"] = statement
        if discovery is not None:
            conf["SOURCE_DISCOVERY_TIMEOUT"] = discovery
        settings.CDOHUB = conf

    return apply


@pytest.fixture
def discover(django_capture_on_commit_callbacks):
    """discover(user, source) → the finished run (the job runs once the request commits)."""

    def run(user, source):
        with django_capture_on_commit_callbacks(execute=True):
            found = services.start_discovery(user, source)
        found.refresh_from_db()
        return found

    return run


@pytest.fixture
def specialist(users):
    return users["maoming_specialist"]  # data specialist of 茂名市公安局 (440900-GA)


@pytest.fixture
def police(units):
    return units["440900-GA"]


@pytest.fixture
def closed_port():
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_server():
    """A local TCP server that accepts connections and never says a word: a database that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    listener.close()
