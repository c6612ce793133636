#!/usr/bin/env bash
# The browser tests drive Debian's Chromium, and the deployment tests run nginx with the shipped
# configuration. Install what is missing when we may; otherwise say so.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} package(s) for the browser and deployment tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
if [[ " ${missing[*]} " == *" chromium "* ]] && [ "${CI:-}" = "true" ]; then
  echo "Chromium is missing and CI=true: the browser tests cannot be skipped here." >&2
  echo "Install Debian's 'chromium' package (apt-get install chromium)." >&2
  exit 1
fi
echo "Note: Debian's ${missing[*]} package(s) are not installed and installing them needs root;"
echo "      the tests that need them will be skipped. Run 'sudo apt-get install ${missing[*]}'."
