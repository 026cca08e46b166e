#!/usr/bin/env bash
# Install kansenmonitor in .venv, build the demo database (embedded SQLite) and start the web application.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e .
export KANSENMONITOR_HOME=${KANSENMONITOR_HOME:-$PWD/.kansenmonitor}
.venv/bin/kansenmonitor init --demo
exec .venv/bin/kansenmonitor serve "$@"
