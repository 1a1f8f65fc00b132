# Shared by scripts/demo.sh, scripts/test.sh and bench/: the virtualenv and the local services.
# Sourced, not run. Everything stays on loopback.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  # Install Debian packages that are missing, updating the package lists once.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> apt-get install ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
  # $1: requirements file. Python 3.11 or newer from PATH.
  local req="$1" python_bin
  python_bin="${PYTHON:-$(command -v python3.11 || command -v python3)}"
  if [ ! -x "$PY" ]; then
    echo "==> creating virtualenv with $python_bin"
    "$python_bin" -m venv "$VENV" || { apt_install python3-venv && "$python_bin" -m venv "$VENV"; }
  fi
  local stamp="$VENV/.installed-$(basename "$req")" digest
  digest="$(cat "$ROOT"/requirements*.txt | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
    echo "==> pip install -r $req"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -r "$ROOT/$req"
    echo "$digest" >"$stamp"
  fi
}

ensure_node_modules() {
  # Front-end packages from the npm registry, pinned in package-lock.json and served from our
  # own static files (lms/settings/base.py NODE_STATIC), never from a CDN.
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  local stamp="$ROOT/node_modules/.installed" digest
  digest="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
    echo "==> npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund --silent)
    mkdir -p "$ROOT/node_modules"
    echo "$digest" >"$stamp"
  fi
}

PG_PORT="${LMS_PG_PORT:-54329}"
REDIS_PORT="${LMS_REDIS_PORT:-63790}"
SERVICES_DIR="${LMS_SERVICES_DIR:-/tmp/lms-services-$(id -u)}"

start_postgres() {
  # A private PostgreSQL cluster on 127.0.0.1:$PG_PORT with trust auth for the local user "lms".
  apt_install postgresql
  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  local data="$SERVICES_DIR/pg"
  local run_as=()
  if [ "$(id -u)" = 0 ]; then run_as=(runuser -u postgres --); fi
  mkdir -p "$SERVICES_DIR"
  chmod 777 "$SERVICES_DIR"
  if [ ! -s "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres "$data"
    "${run_as[@]}" "$bindir/initdb" -D "$data" -U lms --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$data'
max_connections = 200
shared_buffers = 512MB
fsync = ${LMS_PG_FSYNC:-on}
CONF
  fi
  if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    "${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w start >/dev/null
  fi
  "$bindir/psql" -h 127.0.0.1 -p "$PG_PORT" -U lms -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='lms'" | grep -q 1 \
    || "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U lms lms
  export DATABASE_URL="postgres://lms@127.0.0.1:$PG_PORT/lms"
  echo "==> PostgreSQL on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
  local bindir data="$SERVICES_DIR/pg"
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  [ -s "$data/postmaster.pid" ] || return 0
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bindir/pg_ctl" -D "$data" -m fast stop >/dev/null || true
  else "$bindir/pg_ctl" -D "$data" -m fast stop >/dev/null || true; fi
}

start_redis() {
  apt_install redis-server
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize yes \
      --logfile "$SERVICES_DIR/redis.log" --pidfile "$SERVICES_DIR/redis.pid" --dir "$SERVICES_DIR"
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  echo "==> Redis on 127.0.0.1:$REDIS_PORT"
}

stop_redis() {
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}
