#!/usr/bin/env bash
# Set up and run the LMS with demo data: virtualenv, install, migrate, load_demo, serve on
# http://127.0.0.1:8000 with SQLite (var/lms.sqlite3) and Celery tasks run in-process.
# With DATABASE_URL / REDIS_URL set it uses those instead (start a worker with
# `.venv/bin/celery -A lms worker` then).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv requirements.txt
ensure_node_modules
apt_install fonts-arphic-uming libpango-1.0-0 libpangoft2-1.0-0  # PDFs: WeasyPrint (pango) and the Chinese font embedded
# The demo's notices (thousands, from its year and a half of history) go to files in var/mail/
# rather than flooding the terminal; set EMAIL_URL to send them to a real SMTP server instead.
export EMAIL_URL="${EMAIL_URL:-filemail:///var/mail}"
"$PY" manage.py migrate --no-input
"$PY" manage.py load_demo
# E-learning packages are served from a second origin, a port of their own (docs/elearning.md).
"$PY" manage.py runserver 127.0.0.1:8001 --insecure --noreload &
echo "==> serving on http://127.0.0.1:8000, e-learning content on http://127.0.0.1:8001 (Ctrl-C to stop)"
exec "$PY" manage.py runserver 127.0.0.1:8000 --insecure
