#!/usr/bin/env bash
# Run the suite on SQLite, then on a throwaway PostgreSQL cluster when the server is installed.
# Under CI (CI=true) a missing PostgreSQL fails the run instead of being skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

status=0
echo "=== test leg: SQLite ==="
"$BIN/pytest" "$@" || status=1

if "$BIN/python" -c "from tests.postgres_cluster import find_bindir; raise SystemExit(find_bindir() is None)"; then
  echo "=== test leg: PostgreSQL (throwaway cluster on 127.0.0.1) ==="
  SURVEY_TEST_POSTGRES=1 "$BIN/pytest" "$@" || status=1
elif [ "${CI:-}" = "true" ]; then
  echo "!!! PostgreSQL server binaries not found: CI must test PostgreSQL (.ci/run installs it)" >&2
  status=1
else
  echo "!!! SKIPPED the PostgreSQL leg: no PostgreSQL server binaries (apt-get install postgresql)" >&2
fi
exit $status
