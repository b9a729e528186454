#!/usr/bin/env bash
# Checks that a checkout inside a private folder (mode 700, like /root or a `mktemp -d`) gets a
# local cluster, that postgres.sh says where it is, and that `make pg-stop` stops it. Clones
# this repository (with the working copy's postgres.sh) into a fresh mode-700 folder, starts
# the cluster, queries it, stops it, and removes everything it made.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
private=$(mktemp -d)
clone="$private/kjb"
chmod 700 "$private"
cluster=""
# Where postgres.sh keeps a cluster it cannot keep in the checkout (removed at the end).
outside="/var/tmp/kjb-postgres/kjb-$(printf '%s' "$clone" | sha256sum | cut -c1-16)"
cleanup() {
  if [ -d "$clone" ]; then make -s -C "$clone" pg-stop >/dev/null 2>&1 || true; fi
  rm -rf "$outside" "$private"
}
trap cleanup EXIT
fail() { echo "private-checkout-test: FAIL: $*" >&2; exit 1; }

git clone -q "$root" "$clone"
cp "$root/scripts/postgres.sh" "$clone/scripts/postgres.sh"

url=$("$clone/scripts/postgres.sh" url 2>"$private/log") || { cat "$private/log" >&2; fail "postgres.sh url failed"; }
cat "$private/log" >&2
port=$(sed -E 's|.*@127\.0\.0\.1:([0-9]+)/.*|\1|' <<<"$url")
if [ "$(id -u)" -eq 0 ]; then
  # As root the cluster runs as postgres, which cannot enter the private folder: it must be
  # outside the checkout, and the log must say where.
  cluster=$(sed -nE 's|.*keeping this checkout.s cluster in (.*)$|\1|p' "$private/log")
  [ "$cluster" = "$outside" ] || fail "postgres.sh did not say the cluster is in $outside"
  [ -f "$cluster/data/PG_VERSION" ] || fail "no cluster in $cluster"
  case "$cluster" in "$private"/*) fail "the cluster is inside the private folder" ;; esac
else
  cluster="$clone/.pg"
fi
pg_isready=$(ls -d /usr/lib/postgresql/*/bin/pg_isready 2>/dev/null | sort -V | tail -1)
pg_isready=${pg_isready:-pg_isready}
"$pg_isready" -q -h 127.0.0.1 -p "$port" || fail "the cluster does not answer on port $port"

# A second start finds the same cluster; make pg-stop stops it.
[ "$("$clone/scripts/postgres.sh" url 2>/dev/null)" = "$url" ] || fail "a second start gave another cluster"
make -s -C "$clone" pg-stop >/dev/null
if "$pg_isready" -q -h 127.0.0.1 -p "$port"; then fail "make pg-stop left the cluster running on port $port"; fi
echo "private-checkout-test: ok (cluster in $cluster, port $port)"
