#!/usr/bin/env bash
# Serves the site for development: brings the database and the demo up to date, then runs the
# task worker and the scheduler in the background and the web server in front; stopping the web
# server stops all three.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
py=${PY:-.venv/bin/python}

# Links in e-mails and printed logins lead to the address served, unless BASE_URL says otherwise.
case "$host" in
  0.0.0.0 | "::" | "[::]") link_host=127.0.0.1 ;;
  *:*) link_host="[${host#[}" link_host="${link_host%]}]" ;;
  *) link_host=$host ;;
esac
export BASE_URL=${BASE_URL:-http://$link_host:$port}

"$py" manage.py migrate --no-input -v 0
"$py" manage.py load_demo
"$py" manage.py db_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
"$py" manage.py scheduler &
scheduler=$!
trap 'kill "$worker" "$scheduler" 2>/dev/null || true' EXIT INT TERM

echo "Klearmind is starting on $BASE_URL/ (the back office is at /admin/). Ctrl-C stops it."
echo "Pages are cached for anonymous readers (the X-Cache header says HIT or MISS; PAGE_CACHE_SECONDS=0 turns it off)."
"$py" manage.py runserver "$host:$port"
