#!/usr/bin/env bash
# Serves the site for development: the task worker in the background, the web server in front.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
py=.venv/bin/python

"$py" manage.py db_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM

echo "Klearmind is starting on http://$host:$port/ (the back office is at /admin/). Ctrl-C stops it."
echo "Pages are cached for anonymous readers (the X-Cache header says HIT or MISS; PAGE_CACHE_SECONDS=0 turns it off)."
"$py" manage.py runserver "$host:$port"
