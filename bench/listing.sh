#!/usr/bin/env bash
# Load benchmark of the category listing page (24 products per page, SSR), run beside a hand-written
# axum page (server/src/bin/baseline.rs) that calls the same catalog service (same SQL) and prints the
# same product data. Both run in this one invocation, on the same seeded database, one after the other.
# Prints requests/s and p99 for each and their ratio, then the shopper bundle size (brotli).
#
# Usage: bench/listing.sh [DURATION_SECONDS=15] [CONNECTIONS=32]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

DURATION="${1:-15}"
CONNS="${2:-32}"
PAGE_PATH="/c/games"

bench_scratch
bench_prepare baseline
export RUST_LOG=warn APP_SEED_DEMO=true
bench_shop

BASE_PORT="$(free_port)"
DATABASE_URL="$DB" BASELINE_LISTEN="127.0.0.1:$BASE_PORT" "$CARGO_TARGET_DIR/release/baseline" >"$TMP/baseline.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do [[ "$(http_status "http://127.0.0.1:$BASE_PORT$PAGE_PATH")" == 200 ]] && break; sleep 0.2; done

# Both pages must show the same 24 products before we compare their speed.
real_names="$(curl -s "http://127.0.0.1:$APP_PORT$PAGE_PATH" | grep -o 'class="card-title">[^<]*' | sed 's/.*>//')"
base_names="$(curl -s "http://127.0.0.1:$BASE_PORT$PAGE_PATH" | grep -o '<h3>[^<]*' | sed 's/<h3>//')"
[[ "$(echo "$real_names" | wc -l)" == 24 && "$real_names" == "$base_names" ]] ||
  die "the two pages do not list the same 24 products"


info "wrk: $CONNS connections, 2 threads, ${DURATION}s each, GET $PAGE_PATH"
read -r real_rps real_p99 <<<"$(wrk_measure "http://127.0.0.1:$APP_PORT$PAGE_PATH")"
read -r base_rps base_p99 <<<"$(wrk_measure "http://127.0.0.1:$BASE_PORT$PAGE_PATH")"

echo
printf '%-34s %12s %10s\n' "page" "req/s" "p99 (ms)"
printf '%-34s %12.0f %10.2f\n' "Leptos listing (real page)" "$real_rps" "$real_p99"
printf '%-34s %12.0f %10.2f\n' "hand-written axum (same query)" "$base_rps" "$base_p99"
ratio="$(awk -v a="$real_rps" -v b="$base_rps" 'BEGIN { printf "%.2f", a / b }')"
echo "throughput ratio real/baseline: $ratio (goal: at least 0.50)"
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.5) }' && echo "goal met" || echo "goal NOT met"

echo
"$(dirname "${BASH_SOURCE[0]}")/bundle-size.sh"
