#!/usr/bin/env bash
# Every figure of the speed work in one run, the benches one after the other on this machine (the
# release build is made once; the others find it fresh): the cache hit ratios through Varnish
# (cdn.sh), the listing against the hand-written page with the flame graph and the shopper bundle
# size (listing.sh), Lighthouse medians (lighthouse.sh) and p50/p99 at 88, 10,000 and 100,000
# products (catalog-scale.sh). Each bench's progress goes to bench/results/all-<time>/<bench>.log;
# what each prints is shown as it finishes, and all of it again at the end.
#
# Usage: bench/all.sh [SIZES="10000 100000"]   (about an hour on 2 cores)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

SIZES="${1:-10000 100000}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/results/all-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"

run() {
  local name="$1"
  shift
  info "$name: $*"
  local start=$SECONDS
  if ! "$@" >"$OUT/$name.txt" 2>"$OUT/$name.log"; then
    tail -5 "$OUT/$name.log" >&2
    die "$name failed (log: $OUT/$name.log)"
  fi
  info "$name done in $((SECONDS - start)) s"
  cat "$OUT/$name.txt"
}

run cdn bash "$HERE/cdn.sh"
run listing bash "$HERE/listing.sh"
run lighthouse bash "$HERE/lighthouse.sh"
run catalog-scale bash "$HERE/catalog-scale.sh" "$SIZES"

echo
echo "== all figures ($(git -C "$HERE" rev-parse --short HEAD), $(date -u +%F)) =="
for name in cdn listing lighthouse catalog-scale; do
  echo
  echo "-- $name"
  cat "$OUT/$name.txt"
done
