#!/usr/bin/env bash
# HR sync benchmark in one command: starts the private PostgreSQL cluster (scripts/lib.sh),
# recreates an empty benchmark database, migrates it and runs bench/hr_sync.py (two syncs).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
ensure_venv requirements.txt
start_postgres >/dev/null
bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
"$bindir/dropdb" -h 127.0.0.1 -p "$PG_PORT" -U lms --if-exists lms_hr_bench
"$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U lms lms_hr_bench
export DATABASE_URL="postgres://lms@127.0.0.1:$PG_PORT/lms_hr_bench"
export SECRET_KEY="${SECRET_KEY:-bench-only-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export LMS_VAR_DIR="${LMS_VAR_DIR:-$(mktemp -d)}"
"$PY" manage.py migrate -v0
exec "$PY" bench/hr_sync.py "$@"
