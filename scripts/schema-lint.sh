#!/usr/bin/env bash
# Checks the GraphQL schema (schema.graphqls and graph/schema/*.graphqls):
#  1. graphql-schema-linter, with the rules in tools/schema-lint/graphql-schema-linter.config.js;
#  2. @graphql-inspector/core's diff against the last released schema (schema.released.graphql):
#     each breaking change must be named by its coordinate in CHANGELOG.md's newest section
#     (tools/schema-lint/schema-diff.mjs, whose own tests run first).
# With --update-snapshot it only records the current schema as the released one (at a release).
#
# The tools' versions are pinned in tools/schema-lint/package-lock.json and installed with npm ci
# into tools/schema-lint/node_modules (git-ignored), again only when the lock file changed. node
# and npm are installed with the system package manager when missing (Debian and Ubuntu: "nodejs"
# and "npm", Alpine: "nodejs" and "npm", Homebrew: "node").
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

if [ "${1:-}" = "--update-snapshot" ]; then
  exec node "$tool/schema-diff.mjs" "$root" --update
fi

cd "$root"
out=$("$tool/node_modules/.bin/graphql-schema-linter" --config-directory "$tool" \
  schema.graphqls 'graph/schema/*.graphqls' 2>&1) || { echo "$out"; exit 1; }
out=$(node --test "$tool/schema-diff.test.mjs" 2>&1) || { echo "$out"; exit 1; }
node "$tool/schema-diff.mjs" "$root"
