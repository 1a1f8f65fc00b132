#!/usr/bin/env bash
# Install what the tests need and run them all: lint, import contracts, Django checks,
# then the whole suite on SQLite, then again on PostgreSQL + Redis with a real Celery
# worker (both started on loopback here). Browser tests drive Debian's chromium.
#   scripts/test.sh               everything (what CI runs)
#   scripts/test.sh --sqlite-only  skip the PostgreSQL + Redis run
#   extra arguments after -- go to pytest, e.g. scripts/test.sh --sqlite-only -- tests/lms
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

SQLITE_ONLY=0
PYTEST_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sqlite-only) SQLITE_ONLY=1 ;;
    --) shift; PYTEST_ARGS=("$@"); break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

ensure_venv requirements-dev.txt
ensure_node_modules
apt_install chromium fonts-arphic-uming libpango-1.0-0 libpangoft2-1.0-0
export LMS_CHROMIUM="${LMS_CHROMIUM:-/usr/bin/chromium}"
export LMS_VAR_DIR="${LMS_VAR_DIR:-$(mktemp -d /tmp/lms-test-var.XXXX)}"

echo "==> ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
echo "==> import contracts"
"$VENV/bin/lint-imports"
echo "==> django checks"
DJANGO_SETTINGS_MODULE=lms.settings.test "$PY" manage.py check
DJANGO_SETTINGS_MODULE=lms.settings.test "$PY" manage.py makemigrations --check --dry-run >/dev/null
echo "==> django deploy checks (production-like environment, any warning fails)"
env -u DEBUG DJANGO_SETTINGS_MODULE=lms.settings.base SECRET_KEY="$(head -c 48 /dev/urandom | base64)" \
  ALLOWED_HOSTS=lms.example.kcg.gov.tw CSRF_TRUSTED_ORIGINS=https://lms.example.kcg.gov.tw \
  SECURE_SSL_REDIRECT=true SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_INCLUDE_SUBDOMAINS=true SECURE_HSTS_PRELOAD=true \
  SECURE_COOKIES=true SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https \
  NATIONAL_ID_KEYS="$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
  "$PY" manage.py check --deploy --fail-level WARNING

echo "==> pytest on SQLite (tasks in-process)"
env -u DATABASE_URL -u REDIS_URL "$VENV/bin/pytest" -p no:cacheprovider -n 2 "${PYTEST_ARGS[@]}"

if [ "$SQLITE_ONLY" = 0 ]; then
  start_postgres
  start_redis
  trap 'stop_redis; stop_postgres' EXIT
  export SECRET_KEY="test-only-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "==> pytest on PostgreSQL + Redis (real Celery worker)"
  "$VENV/bin/pytest" -p no:cacheprovider -n 2 "${PYTEST_ARGS[@]}"
  echo "==> fault tests on PostgreSQL + Redis (stop/restart the services; serial, once)"
  LMS_FAULT_TESTS=1 "$VENV/bin/pytest" -p no:cacheprovider -m fault "${PYTEST_ARGS[@]:-tests/faults}" \
    || [ $? -eq 5 ]  # 5: the chosen tests include no fault test
fi
