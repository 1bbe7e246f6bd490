#!/usr/bin/env bash
# The staff order desk and the sales dashboard at scale: the demo shop plus ORDERS generated orders
# (1 to 3 lines each from the demo's variants, 20,000 buyers, a year of dates, every status, the
# refunded ones with their refund), served by the release server. The dashboard's first load counts
# the whole rollup (timed once); then wrk on the order list (first page, an e-mail search, a SKU
# search, status + department + dates) and the dashboard (30 days, a year) with an admin's session
# and, in the same run, the shopper's /c/games listing as the reference;
# then the CSV export of every order: its time, its size and the server's resident memory at its
# peak against before (sampled every 20 ms).
#
# Usage: bench/orders-scale.sh [ORDERS=200000] [DURATION_SECONDS=10] [CONNECTIONS=8]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

ORDERS="${1:-200000}"
export DURATION="${2:-10}"
export CONNS="${3:-8}"

bench_scratch
bench_prepare
export RUST_LOG=warn APP_SEED_DEMO=true
# Measured uncached: the in-app page cache would answer repeated pages from memory.
export APP_PAGE_CACHE_MB=0
bench_shop
URL="http://127.0.0.1:$APP_PORT"

info "generating $ORDERS orders"
start=$SECONDS
psql -q -v ON_ERROR_STOP=1 "$DB" <<SQL
CREATE TEMP TABLE vs AS
  SELECT row_number() OVER (ORDER BY v.id) AS k, v.id, v.price_minor, p.name, p.department
  FROM variants v JOIN products p ON p.id = v.product_id;
CREATE TEMP TABLE gen AS
  SELECT g, gen_random_uuid() AS id,
         -- Later orders (higher numbers) are newer, as in a real shop.
         now() - make_interval(secs => (($ORDERS - g) * 31536000.0 / $ORDERS)) AS at,
         (ARRAY['paid', 'paid', 'paid', 'shipped', 'delivered', 'refunded', 'cancelled', 'pending_payment'])[1 + g % 8] AS status,
         'buyer' || (g % 20000) || '@example.com' AS email,
         1 + g % 3 AS nlines
  FROM generate_series(1, $ORDERS) g;
CREATE TEMP TABLE gl AS
  SELECT gen.id AS order_id, vs.id AS variant_id, vs.name, vs.department, vs.price_minor, 1 + (gen.g + i) % 2 AS qty
  FROM gen CROSS JOIN generate_series(0, 2) i
  JOIN vs ON vs.k = 1 + ((gen.g * 7 + i * 13) % (SELECT count(*) FROM vs))
  WHERE i < gen.nlines;
DELETE FROM gl a USING gl b WHERE a.ctid < b.ctid AND a.order_id = b.order_id AND a.variant_id = b.variant_id;
INSERT INTO orders (id, checkout_key, email, status, currency, subtotal_minor, discount_minor, shipping_minor, tax_minor,
                    total_minor, refunded_minor, lines_fingerprint, created_at, paid_at, placed_by)
  SELECT gen.id, gen_random_uuid(), gen.email, gen.status, 'EUR', t.sub, 0, 0, 0, t.sub,
         CASE WHEN gen.status = 'refunded' THEN t.sub ELSE 0 END, 'bench', gen.at,
         CASE WHEN gen.status IN ('pending_payment', 'cancelled') THEN NULL ELSE gen.at END, 'bench'
  FROM gen JOIN (SELECT order_id, sum(price_minor * qty) AS sub FROM gl GROUP BY order_id) t ON t.order_id = gen.id
  ORDER BY gen.g;
INSERT INTO order_lines (order_id, variant_id, product_name, variant_label, department, unit_price_minor, quantity, line_total_minor)
  SELECT order_id, variant_id, name, '', department, price_minor, qty, price_minor * qty FROM gl;
INSERT INTO refunds (order_id, request_key, amount_minor, restock, reason, created_at)
  SELECT id, 'bench-refund', total_minor, false, 'bench', created_at + interval '2 days' FROM orders WHERE status = 'refunded';
ANALYZE;
SQL
total="$(psql -tA "$DB" -c 'SELECT count(*) FROM orders')"
info "$total orders, $(psql -tA "$DB" -c 'SELECT count(*) FROM order_lines') lines in $((SECONDS - start)) s"

cookie="$(bench_admin_cookie "$URL")"
sku="$(psql -tA "$DB" -c "SELECT sku FROM variants ORDER BY id DESC LIMIT 1")"
from="$(date -u -d '-60 days' +%F)"
to="$(date -u -d '-30 days' +%F)"
year="$(date -u -d '-364 days' +%F)"
info "the dashboard's first load (the whole rollup counted)"
cold_start="$(date +%s%N)"
[[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$URL/admin")" == 200 ]] || die "/admin did not answer 200"
cold_ms=$((($(date +%s%N) - cold_start) / 1000000))
pages=("/admin/orders" "/admin/orders?q=buyer4242%40example.com" "/admin/orders?q=$sku"
  "/admin/orders?status=refunded&department=jewelry&from=$from&to=$to" "/admin" "/admin?from=$year")
for page in "${pages[@]}"; do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$URL$page")" == 200 ]] || die "$page did not answer 200"
done
curl -s -H "Cookie: $cookie" "$URL/admin/orders?q=buyer4242%40example.com" | grep -q 'data-testid="admin-order"' ||
  die "the e-mail search found nothing"

info "wrk: $CONNS connections, 2 threads, ${DURATION}s each"
RESULTS="$TMP/results.txt"
: >"$RESULTS"
for page in "${pages[@]}"; do
  read -r rps _ <<<"$(wrk_measure "$URL$page" "Cookie: $cookie")"
  read -r p50 p95 p99 <<<"$(wrk_percentiles)"
  printf '%s\t%s\t%s\t%s\t%s\n' "$page" "$rps" "$p99" "$p50" "$p95" >>"$RESULTS"
done
read -r shop_rps _ <<<"$(wrk_measure "$URL/c/games")"
read -r shop_p50 shop_p95 shop_p99 <<<"$(wrk_percentiles)"

info "exporting every order as CSV"
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$SHOP_PID/status"; }
before="$(rss)"
peak="$before"
start_ns="$(date +%s%N)"
curl -s --compressed -H "Cookie: $cookie" -o "$TMP/orders.csv" "$URL/admin/orders.csv" &
curl_pid=$!
while kill -0 "$curl_pid" 2>/dev/null; do
  now="$(rss)"
  ((now > peak)) && peak="$now"
  sleep 0.02
done
wait "$curl_pid" || die "the export failed"
ms=$((($(date +%s%N) - start_ns) / 1000000))
rows=$(($(wc -l <"$TMP/orders.csv") - 1))
[[ "$rows" == "$total" ]] || die "the export has $rows rows for $total orders"

echo
printf '%-72s %8s %8s %8s %8s\n' "page ($total orders; latency in ms)" "req/s" "p50" "p95" "p99"
while IFS=$'\t' read -r page rps p99 p50 p95; do
  printf '%-72s %8.0f %8.2f %8.2f %8.2f\n' "$page" "$rps" "$p50" "$p95" "$p99"
done <"$RESULTS"
printf '%-72s %8.0f %8.2f %8.2f %8.2f\n' "reference: shopper /c/games" "$shop_rps" "$shop_p50" "$shop_p95" "$shop_p99"
awk -F'\t' -v r="$shop_p95" '{ printf "p95 ratio %s / shopper listing: %.2f\n", $1, $5 / r }' "$RESULTS"
printf 'dashboard first load (rollup of %d orders counted): %d ms\n' "$total" "$cold_ms"
printf 'CSV export: %d rows, %s MB, %.1f s (%.0f rows/s); server resident memory %d MB before, %d MB at the peak (+%d MB)\n' \
  "$rows" "$(awk -v b="$(stat -c %s "$TMP/orders.csv")" 'BEGIN { printf "%.1f", b / 1048576 }')" \
  "$(awk -v m="$ms" 'BEGIN { print m / 1000 }')" "$(awk -v r="$rows" -v m="$ms" 'BEGIN { print r * 1000 / m }')" \
  $((before / 1024)) $((peak / 1024)) $(((peak - before) / 1024))
