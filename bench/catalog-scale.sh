#!/usr/bin/env bash
# The shopper catalog at scale: the demo shop (88 products), then the same shop with 10,000 and
# 100,000 generated products (bench/scale/generate.sql: both departments, sparse variant grids,
# attributes, photos), each in its own database, served by the release server uncached. For each
# size, wrk on a category listing, a filtered listing (facet counts looked up), two values of one
# facet (counted in memory), two searches with typos and a product page; prints req/s,
# p50 and p99 per page and size, then the query plans (EXPLAIN ANALYZE) at the largest size.
#
# Usage: bench/catalog-scale.sh [SIZES="10000 100000"] [DURATION_SECONDS=10] [CONNECTIONS=4]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

SIZES="${1:-10000 100000}"
export DURATION="${2:-10}"
export CONNS="${3:-4}"

bench_scratch

ensure_tools
ensure_bench_tools
info "building the release server, site and plan printer"
leptos_build_release catalog_plans >/dev/null

pg_start "$TMP/pg" "$(free_port)"
PSQL="$(pg_bin_dir)/psql -h 127.0.0.1 -p $PG_PORT -U postgres -v ON_ERROR_STOP=1 -q"
export RUST_LOG=warn
# Measured uncached: the in-app page cache would answer repeated pages from memory.
export APP_PAGE_CACHE_MB=0

# The demo shop once (migrations, 88 products, photos); every size starts from a copy of it.
pg_create_db "$PG_PORT" base
APP_PORT="$(free_port)"
APP_SEED_DEMO=true start_shop production "$APP_PORT" "$(pg_url "$PG_PORT" base)" "$TMP" "https://shop.example" || {
  PIDS+=("$SHOP_PID")
  exit 1
}
stop_pid "$SHOP_PID" 10

# wrk's median from the report wrk_measure left, in ms.
p50() {
  awk '$1 == "50%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }' "$TMP/wrk.txt"
}

RESULTS="$TMP/results.txt"
: >"$RESULTS"
LAST_DB=""
for size in 0 $SIZES; do
  db="scale_$size"
  $PSQL -d postgres -c "CREATE DATABASE $db TEMPLATE base"
  if ((size > 0)); then
    info "generating $size products"
    start=$(date +%s)
    $PSQL -d "$db" -v n="$size" -f "$ROOT/bench/scale/generate.sql" >/dev/null
    $PSQL -d "$db" -c "VACUUM ANALYZE" >/dev/null
    info "generated in $(($(date +%s) - start)) s"
  fi
  count="$($PSQL -d "$db" -tAc "SELECT count(*) FROM shop_products")"
  slug="$($PSQL -d "$db" -tAc "SELECT slug FROM shop_products ORDER BY id DESC LIMIT 1")"
  start_shop production "$APP_PORT" "$(pg_url "$PG_PORT" "$db")" "$TMP" "https://shop.example" || {
    PIDS+=("$SHOP_PID")
    exit 1
  }
  PIDS+=("$SHOP_PID")
  URL="http://127.0.0.1:$APP_PORT"
  for page in "/c/games" "/c/games?genre=RPG&in_stock=1" "/c/games?platform=PC&platform=PlayStation+5" \
    "/search?q=zeld" "/search?q=saphire+ring" "/p/$slug"; do
    [[ "$(http_status "$URL$page")" == 200 ]] || die "$page answered $(http_status "$URL$page") at $count products"
    read -r rps p99 <<<"$(wrk_measure "$URL$page")"
    label="$page"
    [[ "$page" == /p/* ]] && label="/p/<product>"
    printf '%s\t%s\t%s\t%s\t%s\n' "$count" "$label" "$rps" "$(p50)" "$p99" >>"$RESULTS"
    printf '%8s products  %-46s %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms\n' "$count" "$label" "$rps" "$(p50)" "$p99"
  done
  stop_pid "$SHOP_PID" 10
  LAST_DB="$db"
done

echo
echo "== uncached, $CONNS connections, ${DURATION} s each (wrk on the same 2 cores as the shop and PostgreSQL)"
printf '%-46s' "page"
for n in $(cut -f1 "$RESULTS" | awk '!seen[$0]++'); do printf '%22s' "$n products p50/p99"; done
echo
for page in $(cut -f2 "$RESULTS" | awk '!seen[$0]++'); do
  printf '%-46s' "$page"
  for n in $(cut -f1 "$RESULTS" | awk '!seen[$0]++'); do
    awk -F'\t' -v n="$n" -v p="$page" '$1 == n && $2 == p { printf "%22s", sprintf("%.1f / %.1f ms", $4, $5) }' "$RESULTS"
  done
  echo
done
echo
echo "== query plans at $($PSQL -d "$LAST_DB" -tAc "SELECT count(*) FROM shop_products") products"
DATABASE_URL="$(pg_url "$PG_PORT" "$LAST_DB")" "$CARGO_TARGET_DIR/release/catalog_plans" zeld
