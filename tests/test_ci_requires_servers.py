"""CI cannot pass by skipping the PostgreSQL stage: any non-empty CI (or CDOHUB_REQUIRE_SERVERS)
makes an unreachable server a failure of scripts/test_postgres.sh."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "test_postgres.sh"


def run_stage(**env):
    with socket.socket() as probe:  # a local port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "CDOHUB_REQUIRE_SERVERS")}
    base.update(
        BIN=str(Path(sys.executable).parent),
        CDOHUB_TEST_POSTGRES_URL=f"postgres://postgres@127.0.0.1:{port}/cdohub",
        **env,
    )
    return subprocess.run(["bash", str(SCRIPT)], env=base, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("env", [{"CI": "true"}, {"CI": "1"}, {"CI": "yes"}, {"CDOHUB_REQUIRE_SERVERS": "1"}])
def test_an_unreachable_postgresql_fails_where_servers_are_required(env):
    stage = run_stage(**env)
    assert stage.returncode == 1 and "PostgreSQL is required" in stage.stderr


def test_an_unreachable_postgresql_is_skipped_elsewhere():
    stage = run_stage()
    assert stage.returncode == 0 and "SKIPPED: PostgreSQL tests" in stage.stdout
