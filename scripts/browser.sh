#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed, for the SDK's browser test (sdk/test/browser.test.ts).
# Idempotent; fast when it is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "browser: chromium present ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "browser: /usr/bin/chromium is missing; install Chromium (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH" >&2
  exit 1
fi
log=$(mktemp /tmp/segmento-browser.XXXXXX.log)
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends chromium >"$log" 2>&1; then
  apt-get update >>"$log" 2>&1
  apt-get install -y --no-install-recommends chromium >>"$log" 2>&1 || { echo "browser: installing chromium failed, see $log" >&2; exit 1; }
fi
rm -f "$log"
echo "browser: chromium installed ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
