#!/usr/bin/env bash
# The xAPI LRS benchmark in one command: starts the private PostgreSQL cluster (scripts/lib.sh)
# and runs bench/xapi.py, which creates its own database, serves the LMS with gunicorn, loads,
# measures and prints a table (also written to bench/out/). Arguments go to bench/xapi.py:
#   ./bench/xapi.sh --quick                    # smoke test, under 2 minutes
#   ./bench/xapi.sh                            # full run: 1,000,000 statements
#   ./bench/xapi.sh --scale 10000000           # ten years of the city (up to 10,000,000)
#   ./bench/xapi.sh --app-dir /other/checkout  # benchmark another checkout's code
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
# The LMS's virtualenv: this checkout's .venv, or the one named by LMS_PYTHON.
PYTHON_BIN="${LMS_PYTHON:-$PY}"
[ -x "$PYTHON_BIN" ] || { echo "no virtualenv at $PYTHON_BIN: run scripts/demo.sh or set LMS_PYTHON" >&2; exit 1; }
start_postgres
exec "$PYTHON_BIN" -m bench.xapi --python "$PYTHON_BIN" "$@"
