"""In CI a database server that is not there fails the tests that need it: a run cannot go green by
skipping them. Elsewhere they are skipped."""

import pytest

from cdohub.core.testing import unavailable


def outcome_of_a_missing_server() -> BaseException:
    """What the fixtures raise when a server does not answer: pytest's fail or skip."""
    try:
        unavailable("MariaDB", ConnectionRefusedError("refused"))
    except BaseException as raised:  # Skipped and Failed are BaseExceptions
        return raised
    raise AssertionError("a missing server must fail or skip")


@pytest.mark.parametrize(
    "variable, value",
    [("CI", "true"), ("CI", "1"), ("CI", "github-actions"), ("CDOHUB_REQUIRE_SERVERS", "1")],
)
def test_a_missing_server_fails_where_servers_are_required(monkeypatch, variable, value):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("CDOHUB_REQUIRE_SERVERS", raising=False)
    monkeypatch.setenv(variable, value)
    outcome = outcome_of_a_missing_server()
    assert isinstance(outcome, pytest.fail.Exception) and "MariaDB is not reachable" in str(outcome)


def test_a_missing_server_is_skipped_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "")
    monkeypatch.delenv("CDOHUB_REQUIRE_SERVERS", raising=False)
    assert isinstance(outcome_of_a_missing_server(), pytest.skip.Exception)
