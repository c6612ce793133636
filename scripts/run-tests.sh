#!/usr/bin/env bash
# The whole suite on SQLite with the local-memory cache, then again on PostgreSQL with Redis
# whenever those servers answer on this machine.
set -uo pipefail
py=${1:-.venv/bin/python}
shift || true

run_suite() {
  local label=$1
  shift
  echo
  echo "== Test suite on $label"
  "$py" -m pytest "$@"
  local rc=$?
  if [ "$rc" -eq 5 ]; then
    echo "pytest collected no tests on $label: that is a failure here." >&2
    exit 1
  fi
  if [ "$rc" -ne 0 ]; then
    exit "$rc"
  fi
}

reachable() {
  "$py" -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 2).close()" "$1" 2>/dev/null
}

# Coverage (branches included) is measured on this first run; see [tool.coverage] in pyproject.
DATABASE_URL= REDIS_URL= run_suite "SQLite + local-memory cache" --cov --cov-report=term "$@"

pg_port=${TEST_POSTGRES_PORT:-5432}
redis_port=${TEST_REDIS_PORT:-6379}
if reachable "$pg_port" && reachable "$redis_port"; then
  DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/klearmind" \
  REDIS_URL="redis://127.0.0.1:$redis_port/15" \
  CACHE_KEY_PREFIX="klearmind-test-$$" \
    run_suite "PostgreSQL + Redis" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true but PostgreSQL (port $pg_port) or Redis (port $redis_port) does not answer." >&2
  exit 1
else
  echo
  echo "PostgreSQL on 127.0.0.1:$pg_port or Redis on 127.0.0.1:$redis_port does not answer:"
  echo "the suite ran on SQLite only."
fi
