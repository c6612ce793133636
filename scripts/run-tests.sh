#!/usr/bin/env bash
# The whole suite on SQLite with the local-memory cache and, whenever those servers answer
# on this machine, again on PostgreSQL with Redis. The two runs are independent (their own
# databases, cache prefix and browser-test servers), so they run side by side, one per core;
# the PostgreSQL run's report is printed when it ends. Then the tests that read the date or the
# time of day (marked `clock`) run again under each of the set clocks below (tests/clock.py),
# on the second core after the PostgreSQL run.
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

# The set clocks: just after midnight, early morning, late afternoon and just before midnight in
# the clinic's time zone (a Tuesday, a Thursday, a Friday evening, a Saturday night), the last
# day of a month, and both 2027 daylight-saving change days (the spring day has 23 hours, the
# autumn day 25). The browser tests among them run at two of the clocks only (a `+`), as each
# starts a server with the demo clinic: the end of a month and the autumn change.
AFTER_SQLITE=(2027-02-16T00:05 2027-04-08T06:00 2027-09-10T17:00 2027-03-14T00:30)
AFTER_POSTGRES=(2027-10-23T23:55 +2027-06-30T23:55 +2027-11-07T00:40)

clock_sweep() {
  local failed=0 entry moment marks
  local -a modules
  mapfile -t modules < <("$py" -m tests.clock)
  for entry in "$@"; do
    moment=${entry#+}
    marks="clock and not browser"
    [ "$entry" != "$moment" ] && marks="clock"
    DATABASE_URL= REDIS_URL= KLEARMIND_TEST_CLOCK=$moment \
      run_suite "SQLite, clock set to $moment" -m "$marks" -p no:randomly -q "${modules[@]}" ||
      failed=1
  done
  return "$failed"
}

pg_port=${TEST_POSTGRES_PORT:-5432}
redis_port=${TEST_REDIS_PORT:-6379}
pg_pid=
pg_log=
if reachable "$pg_port" && reachable "$redis_port"; then
  mkdir -p test-output
  pg_log=test-output/postgres-suite.log
  (
    DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/klearmind" \
    REDIS_URL="redis://127.0.0.1:$redis_port/15" \
    CACHE_KEY_PREFIX="klearmind-test-$$" \
      run_suite "PostgreSQL + Redis" "$@"
    postgres_rc=$?
    clock_sweep "${AFTER_POSTGRES[@]}"
    [ "$postgres_rc" -eq 0 ] && [ $? -eq 0 ]
  ) >"$pg_log" 2>&1 &
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
  clock_sweep "${AFTER_SQLITE[@]}" "${AFTER_POSTGRES[@]}"
  clock_rc=$?
  echo
  echo "PostgreSQL on 127.0.0.1:$pg_port or Redis on 127.0.0.1:$redis_port does not answer:"
  echo "the suite ran on SQLite only."
  [ "$sqlite_rc" -eq 0 ] && [ "$clock_rc" -eq 0 ]
  exit $?
fi
clock_sweep "${AFTER_SQLITE[@]}"
clock_rc=$?
wait "$pg_pid"
pg_rc=$?
cat "$pg_log"
if [ "$sqlite_rc" -ne 0 ] || [ "$clock_rc" -ne 0 ] || [ "$pg_rc" -ne 0 ]; then
  echo "Failed: SQLite run exit $sqlite_rc, its set clocks $clock_rc," \
    "PostgreSQL run and its set clocks $pg_rc." >&2
  exit 1
fi
