#!/usr/bin/env bash
# A pg_auto_failover formation on this machine: a monitor and two PostgreSQL nodes with
# synchronous replication, for failover rehearsals (make failover) and for trying KJB against
# a multi-host DATABASE_URL.
#
#   scripts/formation.sh up          create (first time) and start monitor, node1, node2; print the URL
#   scripts/formation.sh url         the multi-host DATABASE_URL (target_session_attrs=read-write)
#   scripts/formation.sh primary     the name of the node that is primary now (node1 or node2)
#   scripts/formation.sh kill NODE   SIGKILL NODE's keeper and PostgreSQL, as a lost machine
#   scripts/formation.sh start NODE  start NODE's keeper again: it rejoins as a standby (pg_rewind)
#   scripts/formation.sh state       pg_autoctl show state
#   scripts/formation.sh tune        fast detection and promotion (README, Failover)
#   scripts/formation.sh untune      pg_auto_failover's defaults
#   scripts/formation.sh down        stop everything and delete the formation
#
# KJB_FORMATION_DIR (default .formation/) holds it; ports KJB_FORMATION_PORT (default 25501, below the ephemeral range) and
# the next two. pg_auto_failover is installed with the system package manager when missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="${KJB_FORMATION_DIR:-$root/.formation}"
base=${KJB_FORMATION_PORT:-25501}
log() { echo "formation.sh: $*" >&2; }

port_of() { case $1 in monitor) echo "$base" ;; node1) echo $((base + 1)) ;; node2) echo $((base + 2)) ;; *) log "unknown node $1"; exit 2 ;; esac; }
monitor_url() { echo "postgres://autoctl_node@127.0.0.1:$base/pg_auto_failover?sslmode=disable"; }

# pg_autoctl keeps its configuration and state under XDG directories: inside the formation's
# directory, so that deleting it deletes them.
as_owner() {
  local env=(env XDG_CONFIG_HOME="$dir/xdg/config" XDG_DATA_HOME="$dir/xdg/data" XDG_RUNTIME_DIR="$dir/xdg/run")
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "${env[@]}" "$@"; else "${env[@]}" "$@"; fi
}

install() {
  command -v pg_autoctl >/dev/null && return
  log "pg_autoctl not found; installing postgresql-15-auto-failover"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-15-auto-failover >&2
}

pgbin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }

# run starts a node's keeper (pg_autoctl run) in the background and records its pid.
run() {
  local name=$1
  as_owner env PATH="$(pgbin):$PATH" bash -c "echo \$\$ >'$dir/$name.pid'; exec pg_autoctl run --pgdata '$dir/$name' >>'$dir/$name.log' 2>&1" </dev/null >/dev/null 2>&1 &
  sleep 0.5
}

running() { [ -f "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

wait_for() { # wait_for SECONDS COMMAND...: poll until COMMAND succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

psql_at() { as_owner "$(pgbin)/psql" -X -At -h 127.0.0.1 -p "$1" -U postgres -d "$2" -c "$3"; }

both_in_sync() { [ "$(as_owner env PATH="$(pgbin):$PATH" pg_autoctl show state --pgdata "$dir/monitor" --json 2>/dev/null | grep -cE '"(current_group_state|assigned_group_state)": "(primary|secondary)"')" -eq 4 ]; }

up() {
  install
  mkdir -p "$dir" && chmod 755 "$dir" && chown postgres "$dir" 2>/dev/null || true
  export PATH="$(pgbin):$PATH"
  if [ ! -f "$dir/monitor/PG_VERSION" ]; then
    log "creating the monitor on 127.0.0.1:$base"
    as_owner env PATH="$PATH" bash -c "pg_autoctl create monitor --pgdata '$dir/monitor' --pgport $base --hostname 127.0.0.1 \
      --auth trust --no-ssl >>'$dir/monitor.log' 2>&1"
  fi
  running monitor || run monitor
  wait_for 60 psql_at "$base" pg_auto_failover "SELECT 1" || { log "the monitor did not start (see $dir/monitor.log)"; exit 1; }
  for n in node1 node2; do
    if [ ! -f "$dir/$n/PG_VERSION" ]; then
      log "creating $n on 127.0.0.1:$(port_of $n)"
      as_owner env PATH="$PATH" bash -c "pg_autoctl create postgres --pgdata '$dir/$n' --pgport $(port_of $n) --hostname 127.0.0.1 \
        --name $n --auth trust --no-ssl --dbname kjb --monitor '$(monitor_url)' >>'$dir/$n.log' 2>&1"
      as_owner tee -a "$dir/$n/postgresql.conf" >/dev/null <<CONF
max_connections = 300
tcp_keepalives_idle = 5
tcp_keepalives_interval = 2
tcp_keepalives_count = 3
tcp_user_timeout = 10000
client_connection_check_interval = 5000
CONF
    fi
    running "$n" || run "$n"
    wait_for 120 psql_at "$(port_of $n)" kjb "SELECT 1" || { log "$n did not start (see $dir/$n.log)"; exit 1; }
  done
  wait_for 180 both_in_sync || { log "the nodes did not reach primary/secondary"; state; exit 1; }
  url
}

url() { echo "postgres://postgres@127.0.0.1:$((base + 1)),127.0.0.1:$((base + 2))/kjb?sslmode=disable&target_session_attrs=read-write"; }

primary() {
  for n in node1 node2; do
    if [ "$(psql_at "$(port_of $n)" kjb "SELECT NOT pg_is_in_recovery()" 2>/dev/null)" = "t" ]; then echo "$n"; return; fi
  done
  return 1
}

kill_node() {
  local n=$1 pm
  pm=$(head -1 "$dir/$n/postmaster.pid" 2>/dev/null || true)
  if [ -f "$dir/$n.pid" ]; then # the keeper and its services, all at once
    local keeper
    keeper=$(cat "$dir/$n.pid")
    kill -KILL "$keeper" $(pgrep -P "$keeper" || true) 2>/dev/null || true
  fi
  # PostgreSQL with all its processes: a backend outliving its postmaster could still answer.
  [ -n "$pm" ] && kill -KILL "$pm" $(pgrep -P "$pm" || true) 2>/dev/null || true
  log "killed $n"
}

state() { as_owner env PATH="$(pgbin):$PATH" pg_autoctl show state --pgdata "$dir/monitor"; }

# Detection: the monitor checks each node every second and calls it unhealthy after 1 s of
# failed checks plus one retry; promotion: the standby is promoted 3 s after the primary was
# reported lost, which must stay above the keepers' network partition timeout (2 s), after
# which a primary cut off from the monitor and its standby stops accepting writes.
tune() {
  psql_at "$base" pg_auto_failover "ALTER SYSTEM SET pgautofailover.health_check_period = 1000" >/dev/null
  psql_at "$base" pg_auto_failover "ALTER SYSTEM SET pgautofailover.health_check_timeout = 1000" >/dev/null
  psql_at "$base" pg_auto_failover "ALTER SYSTEM SET pgautofailover.health_check_max_retries = 1" >/dev/null
  psql_at "$base" pg_auto_failover "ALTER SYSTEM SET pgautofailover.health_check_retry_delay = 500" >/dev/null
  psql_at "$base" pg_auto_failover "ALTER SYSTEM SET pgautofailover.node_considered_unhealthy_timeout = 1000" >/dev/null
  psql_at "$base" pg_auto_failover "ALTER SYSTEM SET pgautofailover.primary_demote_timeout = 3000" >/dev/null
  psql_at "$base" pg_auto_failover "SELECT pg_reload_conf()" >/dev/null
  for n in node1 node2; do
    as_owner env PATH="$(pgbin):$PATH" pg_autoctl config set --pgdata "$dir/$n" timeout.network_partition_timeout 2 >/dev/null
  done
  log "tuned"
}

untune() {
  for s in health_check_period health_check_timeout health_check_max_retries health_check_retry_delay \
    node_considered_unhealthy_timeout primary_demote_timeout; do
    psql_at "$base" pg_auto_failover "ALTER SYSTEM RESET pgautofailover.$s" >/dev/null
  done
  psql_at "$base" pg_auto_failover "SELECT pg_reload_conf()" >/dev/null
  for n in node1 node2; do
    as_owner env PATH="$(pgbin):$PATH" pg_autoctl config set --pgdata "$dir/$n" timeout.network_partition_timeout 20 >/dev/null
  done
  log "pg_auto_failover defaults"
}

down() {
  for n in node1 node2 monitor; do
    if running "$n"; then kill -TERM "$(cat "$dir/$n.pid")" 2>/dev/null || true; fi
  done
  for n in node1 node2 monitor; do
    wait_for 30 bash -c "! kill -0 \$(cat '$dir/$n.pid' 2>/dev/null) 2>/dev/null" || kill -KILL "$(cat "$dir/$n.pid")" 2>/dev/null || true
    pm=$(head -1 "$dir/$n/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pm" ]; then
      kill -KILL "$pm" 2>/dev/null || true
      wait_for 30 bash -c "! kill -0 $pm 2>/dev/null" || true
    fi
  done
  # Backends of a killed postmaster may still be writing for a moment.
  wait_for 30 rm -rf "$dir" || { log "could not delete $dir"; exit 1; }
}

case "${1:-}" in
  up) up ;;
  url) url ;;
  primary) primary ;;
  kill) kill_node "${2:?node}" ;;
  start) export PATH="$(pgbin):$PATH"; running "${2:?node}" || run "$2" ;;
  state) state ;;
  tune) tune ;;
  untune) untune ;;
  down) down ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
