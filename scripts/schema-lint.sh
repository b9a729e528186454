#!/usr/bin/env bash
# Lints the GraphQL schema (schema.graphqls and graph/schema/*.graphqls) with graphql-schema-linter,
# the version pinned in tools/schema-lint/package-lock.json. It installs node and npm with the
# system package manager when they are missing (Debian and Ubuntu: "nodejs" and "npm", Alpine:
# "nodejs" and "npm", Homebrew: "node"), and the linter into tools/schema-lint/node_modules
# (git-ignored), again only when the lock file changed since the last install.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tool="$root/tools/schema-lint"
log() { echo "schema-lint.sh: $*" >&2; }

install_node() {
  log "node or npm not found; installing them with the system package manager"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if command -v apt-get >/dev/null; then
    $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >&2
  elif command -v apk >/dev/null; then
    $sudo apk add --no-cache nodejs npm >&2
  elif command -v brew >/dev/null; then
    brew install node >&2
  else
    log "no supported package manager found; install node (18 or later) and npm"; exit 1
  fi
}

command -v node >/dev/null && command -v npm >/dev/null || install_node

# npm ci only when the lock file differs from the one the installed tree came from.
stamp="$tool/node_modules/.kjb-lock"
if ! cmp -s "$tool/package-lock.json" "$stamp" 2>/dev/null; then
  log "installing graphql-schema-linter (npm ci)"
  npm ci --prefix "$tool" --no-audit --no-fund --loglevel=error >&2
  cp "$tool/package-lock.json" "$stamp"
fi

cd "$root"
"$tool/node_modules/.bin/graphql-schema-linter" --config-directory "$tool" \
  schema.graphqls 'graph/schema/*.graphqls'
