#!/usr/bin/env bash
# The whole suite on SQLite with the local-memory cache and, whenever those servers answer
# on this machine, again on PostgreSQL with Redis. The two runs are independent (their own
# databases, cache prefix and browser-test servers), so they run side by side, one per core;
# the PostgreSQL run's report is printed when it ends.
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
    return 1
  fi
  return "$rc"
}

reachable() {
  "$py" -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 2).close()" "$1" 2>/dev/null
}

pg_port=${TEST_POSTGRES_PORT:-5432}
redis_port=${TEST_REDIS_PORT:-6379}
pg_pid=
pg_log=
if reachable "$pg_port" && reachable "$redis_port"; then
  mkdir -p test-output
  pg_log=test-output/postgres-suite.log
  DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/klearmind" \
  REDIS_URL="redis://127.0.0.1:$redis_port/15" \
  CACHE_KEY_PREFIX="klearmind-test-$$" \
    run_suite "PostgreSQL + Redis" "$@" >"$pg_log" 2>&1 &
  pg_pid=$!
  echo "The PostgreSQL + Redis run has started beside this one; its report follows this run's."
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true but PostgreSQL (port $pg_port) or Redis (port $redis_port) does not answer." >&2
  exit 1
fi

# Coverage (branches included) is measured on the SQLite run; see [tool.coverage] in pyproject.
DATABASE_URL= REDIS_URL= run_suite "SQLite + local-memory cache" --cov --cov-report=term "$@"
sqlite_rc=$?

if [ -z "$pg_pid" ]; then
  echo
  echo "PostgreSQL on 127.0.0.1:$pg_port or Redis on 127.0.0.1:$redis_port does not answer:"
  echo "the suite ran on SQLite only."
  exit "$sqlite_rc"
fi
wait "$pg_pid"
pg_rc=$?
cat "$pg_log"
if [ "$sqlite_rc" -ne 0 ] || [ "$pg_rc" -ne 0 ]; then
  echo "Failed: SQLite run exit $sqlite_rc, PostgreSQL run exit $pg_rc." >&2
  exit 1
fi
