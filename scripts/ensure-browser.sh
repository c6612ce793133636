#!/usr/bin/env bash
# The browser tests drive Debian's Chromium. Install it when missing and we may; otherwise say so.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium package for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "Chromium is missing and CI=true: the browser tests cannot be skipped here." >&2
  echo "Install Debian's 'chromium' package (apt-get install chromium)." >&2
  exit 1
fi
echo "Note: Debian's 'chromium' package is not installed and installing it needs root;"
echo "      the browser tests will be skipped. Run 'sudo apt-get install chromium' to include them."
