#!/usr/bin/env bash
# The non-browser tests again on PostgreSQL (CDOHUB_TEST_POSTGRES_URL). Where servers are required
# (any non-empty CI, or CDOHUB_REQUIRE_SERVERS) a server that is not reachable fails the run;
# elsewhere the stage is reported as skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PG_URL=${CDOHUB_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/cdohub}

echo "==> tests on PostgreSQL ($PG_URL)"
# Reachable: the server's own "postgres" database answers (the test database may not exist yet).
if $BIN/python -c "import psycopg, sys; psycopg.connect(sys.argv[1].rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" "$PG_URL" 2>/dev/null; then
  CDOHUB_DATABASE_URL=$PG_URL $BIN/pytest -m "not browser" --create-db "$@"
elif [ -n "${CI:-}${CDOHUB_REQUIRE_SERVERS:-}" ]; then
  echo "PostgreSQL is required (CI or CDOHUB_REQUIRE_SERVERS is set) but not reachable at $PG_URL" >&2
  exit 1
else
  echo "SKIPPED: PostgreSQL tests (no server reachable at $PG_URL)"
fi
