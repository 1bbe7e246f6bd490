#!/usr/bin/env bash
# What compressing pages at the origin costs: GET a page with wrk for each `compression_level`
# (0 = none) and each encoding a browser asks for, on the same build and database, one run.
# Prints requests/s, p99 and the bytes sent per page, each with its ratio to no compression.
#
# Usage: bench/compression.sh [SECONDS=10] [PAGE=/c/games] [LEVELS="0 1 2 4 6"]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

SECS="${1:-10}"
PAGE="${2:-/c/games}"
read -r -a LEVELS <<<"${3:-0 1 2 4 6}"

bench_scratch
bench_prepare

printf '%-8s %-6s %10s %8s %8s %10s %8s\n' "level" "asks" "req/s" "ratio" "p99 ms" "bytes" "ratio"
base_rps=""
base_bytes=""
for level in "${LEVELS[@]}"; do
  # Uncached (APP_PAGE_CACHE_MB=0): each request renders and compresses the page.
  APP_PAGE_CACHE_MB=0 APP_COMPRESSION_LEVEL="$level" RUST_LOG=error APP_SEED_DEMO=true bench_shop
  for enc in br gzip; do
    ((level == 0)) && [[ "$enc" == gzip ]] && continue
    bytes="$(curl -s -H "Accept-Encoding: $enc" -o /dev/null -w '%{size_download}' "$SHOP_URL$PAGE")"
    read -r rps p99 <<<"$(CONNS=16 DURATION="$SECS" wrk_measure "$SHOP_URL$PAGE" "Accept-Encoding: $enc")"
    if [[ -z "$base_rps" ]]; then
      base_rps="$rps"
      base_bytes="$bytes"
    fi
    label="$enc"
    ((level == 0)) && label="any"
    awk -v l="$level" -v e="$label" -v r="$rps" -v br="$base_rps" -v p="$p99" -v b="$bytes" -v bb="$base_bytes" \
      'BEGIN { printf "%-8s %-6s %10.0f %8.2f %8.1f %10d %8.2f\n", l, e, r, r / br, p, b, b / bb }'
  done
  stop_pid "$SHOP_PID" 10
done
echo "(level 0: the page sent as it is, whatever the browser asks for; ratios are to that row)"
