#!/usr/bin/env bash
# Benchmark the public pages as production serves them: see bench/README.md.
# Usage: bash bench/run.sh [path/to/venv/bin/python]
set -euo pipefail

PY=${1:-.venv/bin/python}
case "$PY" in
  */*) PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")" ;;
  *) PY=$(command -v "$PY") ;;
esac
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${BENCH_TOOL:-auto}" != python ]] && ! command -v wrk >/dev/null && ((EUID == 0)) \
  && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 \
    || echo "bench: could not install wrk; using the Python load generator" >&2
fi

if ! "$PY" manage.py help load_demo >/dev/null 2>&1; then
  echo "bench: 'manage.py load_demo' is not available, and the benchmark measures the demo" \
    "clinic it creates." >&2
  exit 1
fi

exec "$PY" -m bench.report
