#!/usr/bin/env bash
# Runs the Prometheus alert rules' unit tests (deploy/prometheus/*_test.yml) with promtool,
# installing it with the system package manager when it is missing (Debian and Ubuntu ship it
# in the "prometheus" package, Alpine in "prometheus", Homebrew in "prometheus").
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
log() { echo "alert-tests.sh: $*" >&2; }

install_promtool() {
  log "promtool not found; installing it with the system package manager"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if command -v apt-get >/dev/null; then
    $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus >&2
  elif command -v apk >/dev/null; then
    $sudo apk add --no-cache prometheus >&2
  elif command -v brew >/dev/null; then
    brew install prometheus >&2
  else
    log "no supported package manager found; install promtool (Prometheus 2.x)"; exit 1
  fi
}

command -v promtool >/dev/null || install_promtool
promtool check rules "$root"/deploy/prometheus/alerts.yml >/dev/null
promtool test rules "$root"/deploy/prometheus/*_test.yml
