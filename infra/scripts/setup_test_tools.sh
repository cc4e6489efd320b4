#!/usr/bin/env bash
# What the tests need beyond `setup.sh`: Debian's Chromium for the browser tests (Playwright
# drives /usr/bin/chromium; a test tool's own browser download cannot work offline).
set -euo pipefail
CHROMIUM=${ABITARE_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing chromium with apt (browser tests)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Chromium at $CHROMIUM: sudo apt-get install chromium (or set ABITARE_CHROMIUM)."
    exit 1
  fi
fi
