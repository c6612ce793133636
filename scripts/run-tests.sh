#!/usr/bin/env bash
# The whole suite on SQLite with the local-memory cache and, whenever those servers answer
# on this machine, again on PostgreSQL with Redis. The two runs are independent (their own
# databases, cache prefix and browser-test servers), so they run side by side, one per core;
# the PostgreSQL run's report is printed when it ends. Then the tests that read the date or the
# time of day (marked `clock`) run again under each of the set clocks below (tests/clock.py):
# each side, when its main run ends, takes the next clock nobody has taken yet, so the side
# that finishes first does more of them. Each of those runs starts from a copy of one SQLite
# test database migrated once at the start (tests/database_template.py), instead of migrating
# its own. The main runs list their 25 slowest tests. Coverage is `make coverage`, apart: it
# slows every test by about a third.
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
# starts a server with the demo clinic: the end of a month and the autumn change. The longer
# ones come first, so that the last to start are short.
CLOCKS=(+2027-06-30T23:55 +2027-11-07T00:40 2027-10-23T23:55 2027-02-16T00:05 2027-04-08T06:00
  2027-09-10T17:00 2027-03-14T00:30)

# The database every run under a set clock copies: migrated once, on the earliest set clock,
# so what the migrations create is dated before every clock. Built beside the main runs; its
# exit code goes to a file, as the PostgreSQL side waits for it from its own process.
clock_db_dir=test-output/clock-databases
clock_db=$clock_db_dir/template.sqlite3

build_clock_database() {
  local earliest
  earliest=$(printf '%s\n' "${CLOCKS[@]#+}" | sort | head -n 1)
  DATABASE_URL= REDIS_URL= KLEARMIND_TEST_CLOCK=$earliest \
    KLEARMIND_TEST_DATABASE_FILE="$clock_db" "$py" -m tests.clock_run -m tests.database_template
  echo $? >"$clock_db.rc.new" && mv "$clock_db.rc.new" "$clock_db.rc"
}

clock_database_ready() {
  while [ ! -e "$clock_db.rc" ]; do
    sleep 2
  done
  [ "$(cat "$clock_db.rc")" -eq 0 ]
}

# Each set clock is taken once, by whichever side asks first (mkdir either makes the claim or
# finds it made).
clock_sweep() {
  local failed=0 entry moment marks db
  local -a modules reuse
  mapfile -t modules < <("$py" -m tests.clock)
  for entry in "${CLOCKS[@]}"; do
    moment=${entry#+}
    mkdir "$clock_db_dir/claimed-${moment//:/}" 2>/dev/null || continue
    marks="clock and not browser"
    [ "$entry" != "$moment" ] && marks="clock"
    db=
    reuse=()
    if clock_database_ready; then
      db=$clock_db_dir/${moment//:/}.sqlite3
      cp "$clock_db" "$db" && reuse=(--reuse-db)
    else
      echo "The shared clock database was not built: this run migrates its own." >&2
    fi
    DATABASE_URL= REDIS_URL= KLEARMIND_TEST_CLOCK=$moment KLEARMIND_TEST_DATABASE_FILE=${reuse:+$db} \
      run_suite "SQLite, clock set to $moment" -m "$marks" -p no:randomly -q "${reuse[@]}" \
      "${modules[@]}" || failed=1
    if [ -n "$db" ]; then
      rm -f "$db" "$db-wal" "$db-shm"
    fi
  done
  return "$failed"
}

pg_port=${TEST_POSTGRES_PORT:-5432}
redis_port=${TEST_REDIS_PORT:-6379}
rm -rf "$clock_db_dir"
mkdir -p "$clock_db_dir"

pg_pid=
pg_log=
if reachable "$pg_port" && reachable "$redis_port"; then
  mkdir -p test-output
  pg_log=test-output/postgres-suite.log
  (
    DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/klearmind" \
    REDIS_URL="redis://127.0.0.1:$redis_port/15" \
    CACHE_KEY_PREFIX="klearmind-test-$$" \
      run_suite "PostgreSQL + Redis" --durations=25 "$@"
    postgres_rc=$?
    clock_sweep
    postgres_clock_rc=$?
    [ "$postgres_rc" -eq 0 ] && [ "$postgres_clock_rc" -eq 0 ]
  ) >"$pg_log" 2>&1 &
  pg_pid=$!
  echo "The PostgreSQL + Redis run has started beside this one; its report follows this run's."
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true but PostgreSQL (port $pg_port) or Redis (port $redis_port) does not answer." >&2
  exit 1
fi
build_clock_database &
clock_db_pid=$!

DATABASE_URL= REDIS_URL= run_suite "SQLite + local-memory cache" --durations=25 "$@"
sqlite_rc=$?

if [ -z "$pg_pid" ]; then
  clock_sweep
  clock_rc=$?
  wait "$clock_db_pid"
  echo
  echo "PostgreSQL on 127.0.0.1:$pg_port or Redis on 127.0.0.1:$redis_port does not answer:"
  echo "the suite ran on SQLite only."
  [ "$sqlite_rc" -eq 0 ] && [ "$clock_rc" -eq 0 ]
  exit $?
fi
clock_sweep
clock_rc=$?
wait "$clock_db_pid"
wait "$pg_pid"
pg_rc=$?
cat "$pg_log"
if [ "$sqlite_rc" -ne 0 ] || [ "$clock_rc" -ne 0 ] || [ "$pg_rc" -ne 0 ]; then
  echo "Failed: SQLite run exit $sqlite_rc, the set clocks run after it $clock_rc," \
    "PostgreSQL run and the set clocks run after it $pg_rc." >&2
  exit 1
fi
