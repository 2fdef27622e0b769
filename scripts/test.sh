#!/usr/bin/env bash
# The whole test suite: lint, Django checks, every test on SQLite (browser tests included), then
# every non-browser test again on PostgreSQL. Installs the Debian packages the browser tests need.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=cdohub.settings.test

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "==> lint"
$BIN/ruff check .
$BIN/ruff format --check .

echo "==> types"
$BIN/mypy --follow-imports=silent src/cdohub/core $(ls src/cdohub/*/services.py src/cdohub/*/policies.py src/cdohub/*/jobs.py | grep -v core/)

echo "==> import contracts (docs/architecture.md: the layers and the apps' public surfaces)"
PYTHONPATH=. $BIN/lint-imports

echo "==> Django checks"
$BIN/cdohub check --fail-level WARNING
$BIN/cdohub makemigrations --check --dry-run >/dev/null

echo "==> tests on SQLite"
$BIN/pytest "$@"

bash scripts/test_postgres.sh "$@"
