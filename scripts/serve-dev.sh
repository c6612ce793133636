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

# KLEARMIND_FAKE_STRIPE=1 takes card payments against the fake Stripe (localstripe), started
# here on its own port; its fake card form accepts 4242 4242 4242 4242 with any future date.
stripe_pid=
if [ "${KLEARMIND_FAKE_STRIPE:-}" = 1 ] && [ -z "${STRIPE_SECRET_KEY:-}" ]; then
  stripe_port=${FAKE_STRIPE_PORT:-8420}
  "$py" -m klearmind.payments.fake_stripe_server --port "$stripe_port" --from-scratch \
    >/dev/null 2>&1 &
  stripe_pid=$!
  trap 'kill $stripe_pid 2>/dev/null || true' EXIT INT TERM
  export STRIPE_API_BASE=http://127.0.0.1:$stripe_port
  export STRIPE_SECRET_KEY=sk_test_klearmind STRIPE_PUBLISHABLE_KEY=pk_test_klearmind
  export STRIPE_WEBHOOK_SECRET=whsec_klearmind_test
  echo "Card payments go to the fake Stripe on $STRIPE_API_BASE."
fi

"$py" manage.py migrate --no-input -v 0
"$py" manage.py load_demo
"$py" manage.py db_worker &
worker=$!
trap 'kill "$worker" $stripe_pid 2>/dev/null || true' EXIT INT TERM
"$py" manage.py scheduler &
scheduler=$!
trap 'kill "$worker" "$scheduler" $stripe_pid 2>/dev/null || true' EXIT INT TERM

echo "Klearmind is starting on $BASE_URL/ (the back office is at /admin/). Ctrl-C stops it."
echo "Pages are cached for anonymous readers (the X-Cache header says HIT or MISS; PAGE_CACHE_SECONDS=0 turns it off)."
"$py" manage.py runserver "$host:$port"
