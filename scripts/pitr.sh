#!/usr/bin/env bash
# A PostgreSQL cluster archiving its WAL to a pgBackRest repository on this machine, and
# restores from it to a point in time: the rehearsal behind `make restore-drill` and the
# commands of the README's Backups runbook.
#
#   scripts/pitr.sh up            create and start the cluster (archiving on), create the stanza; print its URL
#   scripts/pitr.sh backup        take a full base backup
#   scripts/pitr.sh check         switch WAL and wait until it is archived (pgbackrest check)
#   scripts/pitr.sh restore TIME  restore the latest backup before TIME, replay WAL up to TIME into a
#                                 new cluster, promote it and start it; print its URL
#   scripts/pitr.sh info          pgbackrest info
#   scripts/pitr.sh down          stop both clusters and delete everything
#
# KJB_PITR_DIR (default .pitr/) holds the clusters, the repository and pgBackRest's logs; ports
# KJB_PITR_PORT (default 25511) and the next one. pgBackRest is installed with the system
# package manager when missing. As root, PostgreSQL and pgBackRest run as the postgres user.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="${KJB_PITR_DIR:-$root/.pitr}"
port=${KJB_PITR_PORT:-25511}
restored_port=$((port + 1))
stanza=kjb
log() { echo "pitr.sh: $*" >&2; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

install() {
  command -v pgbackrest >/dev/null && return
  log "pgbackrest not found; installing it"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq pgbackrest >&2
}

pgbin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }
backrest() { as_owner pgbackrest --config="$dir/pgbackrest.conf" --stanza=$stanza "$@"; }
psql_at() { as_owner "$(pgbin)/psql" -X -At -h 127.0.0.1 -p "$1" -U postgres -d "$2" -c "$3"; }

up() {
  install
  mkdir -p "$dir" && chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/pgbackrest.conf" ]; then
    as_owner mkdir -p "$dir/repo" "$dir/log" "$dir/lock" "$dir/spool" "$dir/sock"
    as_owner tee "$dir/pgbackrest.conf" >/dev/null <<CONF
[global]
repo1-path=$dir/repo
repo1-retention-full=2
log-path=$dir/log
lock-path=$dir/lock
spool-path=$dir/spool
log-level-console=warn
start-fast=y

[$stanza]
pg1-path=$dir/primary
pg1-port=$port
pg1-socket-path=$dir/sock
CONF
  fi
  if [ ! -f "$dir/primary/PG_VERSION" ]; then
    log "creating a cluster on 127.0.0.1:$port archiving to $dir/repo"
    as_owner "$(pgbin)/initdb" -D "$dir/primary" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
    as_owner tee -a "$dir/primary/postgresql.conf" >/dev/null <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/sock'
max_connections = 200
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$dir/pgbackrest.conf --stanza=$stanza archive-push %p'
CONF
  fi
  as_owner "$(pgbin)/pg_ctl" -D "$dir/primary" status >/dev/null 2>&1 ||
    as_owner "$(pgbin)/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w -t 60 start >/dev/null
  [ "$(psql_at "$port" postgres "SELECT count(*) FROM pg_database WHERE datname = 'kjb'")" = 1 ] ||
    psql_at "$port" postgres "CREATE DATABASE kjb" >/dev/null
  [ -d "$dir/repo/backup/$stanza" ] || backrest stanza-create >&2
  backrest check >&2
  echo "postgres://postgres@127.0.0.1:$port/kjb?sslmode=disable"
}

promoted() { [ "$(psql_at "$restored_port" kjb "SELECT NOT pg_is_in_recovery()")" = t ]; }

restore() {
  local target=$1
  if [ -f "$dir/restored/PG_VERSION" ]; then
    as_owner "$(pgbin)/pg_ctl" -D "$dir/restored" -m immediate stop >/dev/null 2>&1 || true
    as_owner rm -rf "$dir/restored"
  fi
  log "restoring to $target into $dir/restored"
  # The restored cluster must not archive into the stanza it came from.
  backrest --pg1-path="$dir/restored" --type=time --target="$target" --target-action=promote \
    --archive-mode=off restore >&2
  as_owner "$(pgbin)/pg_ctl" -D "$dir/restored" -l "$dir/restored.log" -w -t 600 \
    -o "-p $restored_port -k $dir/sock" start >/dev/null
  local deadline=$((SECONDS + 600))
  until promoted 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { log "the restored cluster did not finish recovery (see $dir/restored.log)"; exit 1; }
    sleep 0.5
  done
  echo "postgres://postgres@127.0.0.1:$restored_port/kjb?sslmode=disable"
}

down() {
  for c in restored primary; do
    [ -f "$dir/$c/PG_VERSION" ] && as_owner "$(pgbin)/pg_ctl" -D "$dir/$c" -m fast -w stop >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
}

case "${1:-}" in
  up) up ;;
  backup) backrest --type=full backup >&2; backrest info >&2 ;;
  check) backrest check >&2 ;;
  restore) restore "${2:?time, e.g. '2026-12-01 17:20:00.5+00'}" ;;
  info) backrest info ;;
  down) down ;;
  *) sed -n '2,15p' "$0" >&2; exit 2 ;;
esac
