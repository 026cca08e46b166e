#!/bin/sh
# Copy the built front-end assets from node_modules into the package and the tests.
# Run after `npm ci` in this folder: `npm run vendor`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
static="$here/../src/kansenmonitor/web/static/vendor"
tests="$here/../tests/web/vendor"
mkdir -p "$static/utrecht" "$static/voorbeeld-theme" "$tests"
cp "$here/node_modules/@utrecht/component-library-css/dist/index.css" "$static/utrecht/index.css"
cp "$here/node_modules/@utrecht/component-library-css/LICENSE.md" "$static/utrecht/LICENSE.md"
cp "$here/node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css" "$static/voorbeeld-theme/theme.css"
cp "$here/node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/LICENSE.md" "$static/voorbeeld-theme/LICENSE.md"
cp "$here/node_modules/axe-core/axe.min.js" "$tests/axe.min.js"
cp "$here/node_modules/axe-core/LICENSE" "$tests/axe-core-LICENSE.txt"
echo "vendored into $static and $tests"
