#!/usr/bin/env bash
# Install kansenmonitor with its test dependencies in .venv (and the test browser), then run ruff and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test]'
if [ -f .ci/setup-browser.sh ]; then bash .ci/setup-browser.sh; fi
.venv/bin/ruff check src tests bench
set +e
# two or more workers when the machine has the cores (each builds its own demo once); files stay together so
# module fixtures are made once. PYTEST_WORKERS=0 runs in one process.
.venv/bin/pytest -n "${PYTEST_WORKERS:-auto}" --dist loadfile --durations=25 "$@"
status=$?
set -e
# pytest exits 5 when it collected no tests: that is a failure here, never a pass
exit $status
