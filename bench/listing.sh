#!/usr/bin/env bash
# Load benchmark of the category listing page (24 products per page, SSR) beside a hand-written axum
# page (server/src/bin/baseline.rs) that calls the same catalog service (same SQL) and prints the
# same product data. In one invocation, on the same seeded database, one after the other:
# - the shop as deployed: its in-app page cache on (a page rendered once is served from memory
#   until a change purges it; `page_cache_mb`);
# - the shop with the page cache off (every request rendered), sampled by perf meanwhile: the flame
#   graph goes to bench/results/listing-flame.svg and the shares of the time are printed;
# - the hand-written page.
# Prints requests/s and p99 for each and the ratios, then the shopper bundle size (brotli).
#
# Usage: bench/listing.sh [DURATION_SECONDS=15] [CONNECTIONS=32]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

DURATION="${1:-15}"
CONNS="${2:-32}"
PAGE_PATH="/c/games"

bench_scratch
bench_prepare baseline
ensure_profiler
export RUST_LOG=warn APP_SEED_DEMO=true
bench_shop
UNCACHED_PORT="$(free_port)"
mkdir -p "$TMP/uncached"
APP_PAGE_CACHE_MB=0 start_shop production "$UNCACHED_PORT" "$DB" "$TMP/uncached" https://shop.example ||
  die "the shop without its page cache did not start"
UNCACHED_PID="$SHOP_PID"
PIDS+=("$UNCACHED_PID")

BASE_PORT="$(free_port)"
DATABASE_URL="$DB" BASELINE_LISTEN="127.0.0.1:$BASE_PORT" "$CARGO_TARGET_DIR/release/baseline" >"$TMP/baseline.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do [[ "$(http_status "http://127.0.0.1:$BASE_PORT$PAGE_PATH")" == 200 ]] && break; sleep 0.2; done

# Both pages must show the same 24 products before we compare their speed.
real_names="$(curl -s "http://127.0.0.1:$APP_PORT$PAGE_PATH" | grep -o 'class="card-title">[^<]*' | sed 's/.*>//')"
base_names="$(curl -s "http://127.0.0.1:$BASE_PORT$PAGE_PATH" | grep -o '<h3>[^<]*' | sed 's/<h3>//')"
[[ "$(echo "$real_names" | wc -l)" == 24 && "$real_names" == "$base_names" ]] ||
  die "the two pages do not list the same 24 products"


[[ "$(curl -s "http://127.0.0.1:$UNCACHED_PORT$PAGE_PATH" | grep -o 'class="card-title">[^<]*' | sed 's/.*>//')" == "$real_names" ]] ||
  die "the shop without its page cache lists other products"

export DURATION CONNS
info "wrk: $CONNS connections, 2 threads, ${DURATION}s each, GET $PAGE_PATH"
read -r real_rps real_p99 <<<"$(wrk_measure "http://127.0.0.1:$APP_PORT$PAGE_PATH")"
# perf samples the uncached shop for the whole run (warm-up included): DWARF stacks, since the
# release build keeps no frame pointers.
perf record -q -F 199 --call-graph dwarf,16384 -p "$UNCACHED_PID" -o "$TMP/perf.data" -- sleep "$((DURATION + 3))" \
  >"$TMP/perf.log" 2>&1 &
perf_pid=$!
read -r uncached_rps uncached_p99 <<<"$(wrk_measure "http://127.0.0.1:$UNCACHED_PORT$PAGE_PATH")"
wait "$perf_pid" || warn "perf did not record: $(tail -3 "$TMP/perf.log")"
read -r base_rps base_p99 <<<"$(wrk_measure "http://127.0.0.1:$BASE_PORT$PAGE_PATH")"

echo
printf '%-44s %12s %10s\n' "page" "req/s" "p99 (ms)"
printf '%-44s %12.0f %10.2f\n' "Leptos listing (as deployed, page cache on)" "$real_rps" "$real_p99"
printf '%-44s %12.0f %10.2f\n' "Leptos listing (page cache off, perf on)" "$uncached_rps" "$uncached_p99"
printf '%-44s %12.0f %10.2f\n' "hand-written axum (same queries)" "$base_rps" "$base_p99"
ratio="$(awk -v a="$real_rps" -v b="$base_rps" 'BEGIN { printf "%.2f", a / b }')"
uncached_ratio="$(awk -v a="$uncached_rps" -v b="$base_rps" 'BEGIN { printf "%.2f", a / b }')"
echo "throughput ratio real/baseline: $ratio (goal: at least 1.00); rendering every request: $uncached_ratio"
awk -v r="$ratio" 'BEGIN { exit !(r >= 1.0) }' && echo "goal met" || echo "goal NOT met"

if [[ -s "$TMP/perf.data" ]]; then
  echo
  info "where the uncached page's time goes (perf, server process only; PostgreSQL apart)"
  # --no-inline: resolving inlined frames runs addr2line per address (many minutes).
  perf script --no-inline -i "$TMP/perf.data" 2>/dev/null | inferno-collapse-perf >"$TMP/folded.txt"
  mkdir -p "$(dirname "${BASH_SOURCE[0]}")/results"
  inferno-flamegraph --title "GET $PAGE_PATH, page cache off" <"$TMP/folded.txt" \
    >"$(dirname "${BASH_SOURCE[0]}")/results/listing-flame.svg"
  python3 "$(dirname "${BASH_SOURCE[0]}")/flame-summary.py" 15 <"$TMP/folded.txt"
  echo "flame graph: bench/results/listing-flame.svg"
fi

echo
"$(dirname "${BASH_SOURCE[0]}")/bundle-size.sh"
