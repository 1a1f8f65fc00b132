#!/usr/bin/env bash
# Notices benchmark in one command: starts the private PostgreSQL cluster (scripts/lib.sh),
# creates the benchmark database once, migrates it, and measures a bulk reminder run
# (bench/notices.py; --quick for 5,000 instead of 50,000).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
ensure_venv requirements.txt
start_postgres >/dev/null
bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
"$bindir/psql" -h 127.0.0.1 -p "$PG_PORT" -U lms -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='lms_notices_bench'" | grep -q 1 \
  || "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U lms lms_notices_bench
export DATABASE_URL="postgres://lms@127.0.0.1:$PG_PORT/lms_notices_bench"
export SECRET_KEY="${SECRET_KEY:-bench-only-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
"$PY" manage.py migrate -v0
exec "$PY" bench/notices.py "$@"
