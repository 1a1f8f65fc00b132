#!/usr/bin/env bash
# Reports benchmark in one command: starts the private PostgreSQL cluster (scripts/lib.sh) and runs
# bench/reports_compliance.py twice, each on its own database (loaded once, then reused):
#   lms_reports_bench     50,000 learners, 2,000,000 learning records in 2025 (issue 5's budgets)
#   lms_reports_bench_3y  the same people, 6,000,000 records over 2023–2025 (issue 14's three-year window)
# Each prints the city's and one agency's report and the city's non-compliant XLSX/CSV with PASS/FAIL.
#   ./bench/reports.sh            full size (loading takes minutes the first time; several GB of disk)
#   ./bench/reports.sh --quick    a tenth of the people and records (same code path), the XLSX still
#                                 timed at the city's 112,208 rows; figures are not the budgets' size
# Other arguments go to bench/reports_compliance.py (e.g. --reload).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
ensure_venv requirements.txt
start_postgres >/dev/null
bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
export SECRET_KEY="${SECRET_KEY:-bench-only-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}"

one_year=(--years 1 --people 50000 --records 2000000)
three_years=(--years 3 --people 50000 --records 6000000)
suffix=""
if [[ "${1:-}" == "--quick" ]]; then
  shift
  one_year=(--years 1 --people 5000 --records 200000 --xlsx-rows 112208)
  three_years=(--years 3 --people 5000 --records 600000 --xlsx-rows 112208)
  suffix="_quick"
fi

status=0
for run in one_year three_years; do
  database="lms_reports_bench$suffix"
  if [[ $run == three_years ]]; then database="lms_reports_bench_3y$suffix"; fi
  "$bindir/psql" -h 127.0.0.1 -p "$PG_PORT" -U lms -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='$database'" | grep -q 1 \
    || "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U lms "$database"
  declare -n run_args="$run"
  echo "== $run (${run_args[*]})"
  DATABASE_URL="postgres://lms@127.0.0.1:$PG_PORT/$database" "$PY" bench/reports_compliance.py "${run_args[@]}" "$@" \
    || status=1
done
exit $status
