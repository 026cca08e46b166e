#!/bin/sh
# Idempotent: install Debian's chromium (for the axe-core browser tests) and Playwright into .venv.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
# WeasyPrint (tagged PDF reports) needs Pango and a sans-serif font from Debian; CairoSVG (the print bitmaps of
# the charts in the Word reports) needs Cairo
if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! ldconfig -p | grep -q 'libcairo.so.2' \
    || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-dejavu-core
fi
if ! "$root/.venv/bin/python" -c "import playwright" 2>/dev/null; then
  "$root/.venv/bin/python" -m pip install -q playwright
fi
# axe-core is vendored in tests/web/vendor/axe.min.js (rebuild: cd web-vendor && npm ci && npm run vendor)
test -f "$root/tests/web/vendor/axe.min.js"
echo "browser tests ready: $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
