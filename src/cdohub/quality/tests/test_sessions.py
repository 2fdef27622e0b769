"""The connectors' query sessions the engine runs on: read-only and stopped at the statement
timeout, on every kind of source."""

import pytest
from django.utils import translation

from cdohub.datakit.connectors import Limits, SourceError
from cdohub.datakit.sqlbuild import to_sql

from .dialects import DIALECTS, Servers

WRITES = {
    "postgres": "CREATE TABLE intruder (a integer)",
    "mysql": "CREATE TABLE intruder (a integer)",
    "sqlite": "CREATE TABLE intruder (a integer)",
    "duckdb": "COPY (SELECT 1) TO 'intruder.csv'",
}
SLOW = {
    "postgres": "SELECT pg_sleep(5)",
    "mysql": "SELECT COUNT(*) FROM information_schema.columns a, information_schema.columns b, "
    "information_schema.columns c",
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n",
    "duckdb": "SELECT COUNT(*) FROM range(100000000000) a",
}


@pytest.fixture(scope="module")
def servers():
    found = Servers()
    found.create("t", {"a": "integer", "b": "string"}, [(1, "甲"), (2, None)])
    yield found
    found.close()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_session_reads(servers, dialect):
    target = servers.targets[dialect]
    table = to_sql(target.table("t"), "duckdb") if dialect == "duckdb" else "t"
    columns, rows = target.connector.query(f"SELECT a, b FROM {table} ORDER BY a")
    assert columns == ["a", "b"] and rows == [(1, "甲"), (2, None)]
    with target.connector.session() as session:
        assert session.query("SELECT 1 AS one") == (["one"], [(1,)])
        assert session.query(f"SELECT a FROM {table} ORDER BY a", max_rows=1)[1] == [(1,)]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_session_cannot_write(servers, dialect):
    target = servers.targets[dialect]
    with pytest.raises(SourceError):
        target.connector.query(WRITES[dialect])


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_session_stops_a_slow_statement(servers, dialect):
    connector = servers.targets[dialect].connector
    connector.limits = Limits(connect_timeout=5, statement_timeout=1)
    try:
        with translation.override("en"), pytest.raises(SourceError) as caught:
            connector.query(SLOW[dialect])
    finally:
        connector.limits = Limits(connect_timeout=5, statement_timeout=30)
    assert caught.value.code == "timeout", str(caught.value)
    assert "1 seconds" in str(caught.value)


def test_mariadb_text_made_by_a_query_compares_with_the_columns(servers):
    """The database is utf8mb4_unicode_ci and the client's default collation utf8mb4_general_ci:
    a column compared with a CAST would be an "illegal mix of collations" but for the session."""
    connector = servers.targets["mysql"].connector
    assert connector.query("SELECT COUNT(*) FROM t WHERE b = CAST(a AS CHAR)")[1] == [(0,)]
    assert connector.query("SELECT COUNT(*) FROM t WHERE b = CONCAT('甲', '')")[1] == [(1,)]
