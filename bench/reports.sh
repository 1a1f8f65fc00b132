#!/usr/bin/env bash
# Reports benchmark in one command: starts the private PostgreSQL cluster (scripts/lib.sh),
# creates the benchmark database once, loads 50,000 learners and 2,000,000 learning records
# if they are not there yet, and prints the full-city and one-agency compliance figures.
# Arguments go to bench/reports_compliance.py (e.g. --reload).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
ensure_venv requirements.txt
start_postgres >/dev/null
bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
"$bindir/psql" -h 127.0.0.1 -p "$PG_PORT" -U lms -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='lms_reports_bench'" | grep -q 1 \
  || "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U lms lms_reports_bench
export DATABASE_URL="postgres://lms@127.0.0.1:$PG_PORT/lms_reports_bench"
export SECRET_KEY="${SECRET_KEY:-bench-only-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
exec "$PY" bench/reports_compliance.py "$@"
