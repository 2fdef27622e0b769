"""In CI a database server that is not there fails the tests that need it: a run cannot go green by
skipping them. Elsewhere they are skipped."""

import pytest

from cdohub.sources.tests.conftest import unavailable


@pytest.mark.parametrize(
    "variable, value",
    [("CI", "true"), ("CI", "1"), ("CI", "github-actions"), ("CDOHUB_REQUIRE_SERVERS", "1")],
)
def test_a_missing_server_fails_where_servers_are_required(monkeypatch, variable, value):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("CDOHUB_REQUIRE_SERVERS", raising=False)
    monkeypatch.setenv(variable, value)
    with pytest.raises(pytest.fail.Exception, match="MariaDB is not reachable"):
        unavailable("MariaDB", ConnectionRefusedError("refused"))


def test_a_missing_server_is_skipped_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "")
    monkeypatch.delenv("CDOHUB_REQUIRE_SERVERS", raising=False)
    with pytest.raises(pytest.skip.Exception):
        unavailable("MariaDB", ConnectionRefusedError("refused"))
