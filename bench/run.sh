#!/usr/bin/env bash
# Benchmark the public pages as production serves them: see bench/README.md.
# Usage: bash bench/run.sh [path/to/venv/bin/python]
set -euo pipefail

PY=${1:-.venv/bin/python}
case "$PY" in
  */*) PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")" ;;
  *) PY=$(command -v "$PY") ;;
esac
BIN=$(dirname "$PY")
cd "$(dirname "${BASH_SOURCE[0]}")/.."
WORKERS=${BENCH_WORKERS:-2}
SECONDS_PER_PAGE=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
TOOL=${BENCH_TOOL:-auto}
START_TIMEOUT=${BENCH_START_TIMEOUT:-30}
# Other work on the machine skews the numbers; the report says how busy it was.
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

mkdir -p var/bench
WORK=$(cd "$(mktemp -d var/bench/run.XXXXXX)" && pwd)
LOG="$WORK/setup.log"
SERVER_LOG="$WORK/gunicorn.log"
GUNICORN_PID=""

cleanup() {
  local status=$?
  if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID"
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  if ((status != 0)); then
    for log in "$LOG" "$SERVER_LOG"; do
      [[ -s "$log" ]] && { echo "--- last lines of $(basename "$log"):"; tail -n 25 "$log"; } >&2
    done
  fi
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
    echo "bench: kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A throwaway site: its own SQLite file, media and static files, production settings.
unset DATABASE_URL MEDIA_ROOT REDIS_URL
export DJANGO_SETTINGS_MODULE=klearmind.settings.production
export KLEARMIND_VAR_DIR="$WORK/var"
export STATIC_ROOT="$WORK/static"
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')
export SECRET_KEY
FIELD_ENCRYPTION_KEYS=$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
FIELD_LOOKUP_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')
export FIELD_ENCRYPTION_KEYS FIELD_LOOKUP_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false
export SERVE_MEDIA=true
export LOG_LEVEL=WARNING
mkdir -p "$KLEARMIND_VAR_DIR"

if ! "$PY" manage.py help load_demo >"$LOG" 2>&1; then
  if grep -q "Unknown command" "$LOG"; then
    echo "bench: 'manage.py load_demo' is not available, and the benchmark measures the demo" \
      "clinic it creates. Add klearmind/pages/management/commands/load_demo.py first." >&2
    : >"$LOG"
  fi
  exit 1
fi

if [[ "$TOOL" != python ]] && ! command -v wrk >/dev/null && ((EUID == 0)) \
  && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >>"$LOG" 2>&1 \
    || echo "bench: could not install wrk; using the Python load generator" >&2
fi

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
BASE_URL="http://127.0.0.1:$PORT"
export BASE_URL

echo "bench: preparing the demo site in ${WORK#"$PWD"/}" >&2
"$PY" manage.py migrate --no-input >>"$LOG" 2>&1
"$PY" manage.py load_demo >>"$LOG" 2>&1
"$PY" -m bench.seed_comments >>"$LOG" 2>&1
"$PY" manage.py db_worker --batch --no-startup-delay >>"$LOG" 2>&1
"$PY" manage.py collectstatic --no-input >>"$LOG" 2>&1
"$BIN/gunicorn" klearmind.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --log-level warning >"$SERVER_LOG" 2>&1 &
GUNICORN_PID=$!

healthy() {
  "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "$BASE_URL/healthz" >/dev/null 2>&1
}
for ((waited = 0; ; waited++)); do
  if ! kill -0 "$GUNICORN_PID" 2>/dev/null; then
    echo "bench: gunicorn exited before answering /healthz" >&2
    exit 1
  fi
  healthy && break
  if ((waited >= START_TIMEOUT * 2)); then
    echo "bench: /healthz did not answer 200 within ${START_TIMEOUT}s" >&2
    exit 1
  fi
  sleep 0.5
done

echo "bench: measuring with $WORKERS workers, $CONNECTIONS connections, ${SECONDS_PER_PAGE}s a page" >&2
"$PY" -m bench.report --base-url "$BASE_URL" --seconds "$SECONDS_PER_PAGE" \
  --connections "$CONNECTIONS" --workers "$WORKERS" --tool "$TOOL" --load-before "$LOAD_BEFORE"

# Booking: availability and booking throughput, in this process against the same database.
echo "bench: measuring booking" >&2
"$PY" -m bench.booking

# Care: the clinicians' screens of the demo clinic, rendered in this process.
echo "bench: measuring the care screens" >&2
"$PY" -m bench.care
