#!/usr/bin/env bash
# Finds or starts a PostgreSQL server for local runs and tests, and prints a DATABASE_URL.
#
#   scripts/postgres.sh url     print the admin URL (starting a local cluster if needed)
#   scripts/postgres.sh stop    stop the local cluster, if this script started one
#   scripts/postgres.sh crash   stop it the way a power cut would (pg_ctl stop -m immediate)
#
# DATABASE_URL, when set, is used as it is. Otherwise a throwaway cluster lives in .pg/ (git-ignored)
# at 127.0.0.1:${KJB_PGPORT:-54329}, built with the installed PostgreSQL binaries; when they are
# missing they are installed with the system package manager. As root the cluster runs as the
# "postgres" user, because PostgreSQL refuses to run as root; when that user cannot reach .pg/
# (the checkout is under a private folder such as /root), the cluster lives in
# /var/tmp/kjb-postgres/<checkout name>-<hash of the checkout's path> instead, one per checkout.
# KJB_PGDIR overrides both.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
log() { echo "postgres.sh: $*" >&2; }

# outside is this checkout's cluster folder for when the postgres user cannot reach .pg/.
outside_parent=/var/tmp/kjb-postgres
outside="$outside_parent/$(basename "$root")-$(printf '%s' "$root" | sha256sum | cut -c1-16)"

# The cluster already made for this checkout (in .pg/ or outside), else .pg/.
if [ -n "${KJB_PGDIR:-}" ]; then
  dir=$KJB_PGDIR
elif [ ! -f "$root/.pg/data/PG_VERSION" ] && [ -f "$outside/data/PG_VERSION" ]; then
  dir=$outside
else
  dir=$root/.pg
fi
data="$dir/data"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The cluster keeps the port it was created with (in .pg/port); a new cluster takes
# KJB_PGPORT or the first free port from 54329, so clones side by side do not collide.
choose_port() {
  if [ -f "$dir/port" ]; then cat "$dir/port"; return; fi
  local p=${KJB_PGPORT:-54329}
  while port_busy "$p"; do p=$((p + 1)); done
  echo "$p"
}

find_bin() {
  local name=$1 p
  if p=$(command -v "$name" 2>/dev/null); then echo "$p"; return 0; fi
  for p in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) /usr/local/pgsql/bin; do
    [ -x "$p/$name" ] && { echo "$p/$name"; return 0; }
  done
  return 1
}

install_postgres() {
  log "PostgreSQL server binaries not found; installing them with the system package manager"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if command -v apt-get >/dev/null; then
    $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
  elif command -v dnf >/dev/null; then
    $sudo dnf install -y postgresql-server >&2
  elif command -v apk >/dev/null; then
    $sudo apk add --no-cache postgresql >&2
  elif command -v brew >/dev/null; then
    brew install postgresql@16 >&2
  else
    log "no supported package manager found; install PostgreSQL 15+ or set DATABASE_URL"; exit 1
  fi
}

# as_owner runs a command as the cluster's owner: "postgres" when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    # From /, which postgres can always enter (the caller's folder may be private).
    if command -v runuser >/dev/null; then (cd / && runuser -u postgres -- "$@"); else (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")"); fi
  else
    "$@"
  fi
}

url() { echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"; }
port=""

start() {
  if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; return; fi
  local initdb pg_ctl pg_isready
  initdb=$(find_bin initdb) || { install_postgres; initdb=$(find_bin initdb); }
  pg_ctl=$(find_bin pg_ctl)
  pg_isready=$(find_bin pg_isready || true)

  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir "$dir" --shell /bin/sh postgres
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    # The cluster's owner must be able to reach the folder; when it cannot (a private folder
    # above the checkout), the cluster goes outside the checkout.
    if ! as_owner test -x "$dir"; then
      if [ -n "${KJB_PGDIR:-}" ]; then
        log "user postgres cannot reach $dir; choose another KJB_PGDIR or set DATABASE_URL"; exit 1
      fi
      rmdir "$dir" 2>/dev/null || true
      dir=$outside data="$outside/data"
      log "user postgres cannot reach $root; keeping this checkout's cluster in $dir"
      mkdir -p "$outside_parent" && chmod 755 "$outside_parent"
      mkdir -p "$dir" && chown postgres "$dir" && chmod 700 "$dir"
    fi
  fi

  port=$(choose_port)
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    log "creating a local cluster in $data (port $port)"
    as_owner "$initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 256MB
max_locks_per_transaction = 256
# A client lost without a word is noticed within about 11 s (README, Reliability).
tcp_keepalives_idle = 5
tcp_keepalives_interval = 2
tcp_keepalives_count = 3
tcp_user_timeout = 10000
client_connection_check_interval = 5000
CONF
    echo "$port" >"$dir/port"
  fi
  if ! as_owner "$pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "starting the local cluster in $data on 127.0.0.1:$port"
    local tries=0
    until as_owner "$pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 start >/dev/null 2>&1; do
      # A port that answered no probe can still be held by a client connection's local end:
      # move to the next free one.
      if [ $tries -lt 5 ] && tail -n 5 "$dir/postgres.log" | grep -q "could not bind"; then
        tries=$((tries + 1)) port=$((port + 1))
        while port_busy "$port"; do port=$((port + 1)); done
        echo "port = $port" >>"$data/postgresql.conf"
        echo "$port" >"$dir/port"
        log "the port was taken; starting on 127.0.0.1:$port"
        continue
      fi
      log "PostgreSQL did not start; its log says:"; tail -n 5 "$dir/postgres.log" >&2; exit 1
    done
  fi
  if [ -n "$pg_isready" ]; then
    for _ in $(seq 1 60); do "$pg_isready" -q -h 127.0.0.1 -p "$port" && break; sleep 0.5; done
  fi
  url
}

stop() {
  [ -f "$data/PG_VERSION" ] || return 0
  as_owner "$(find_bin pg_ctl)" -D "$data" -m fast stop >/dev/null 2>&1 || true
}

crash() {
  [ -f "$data/PG_VERSION" ] || return 0
  as_owner "$(find_bin pg_ctl)" -D "$data" -m immediate stop >/dev/null 2>&1 || true
}

case "${1:-url}" in
  url) start ;;
  stop) stop ;;
  crash) crash ;;
  *) echo "usage: $0 [url|stop|crash]" >&2; exit 2 ;;
esac
