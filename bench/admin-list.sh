#!/usr/bin/env bash
# The staff product list at catalog scale: the demo catalog copied to about 10,000 products (each
# with its variants), then wrk on /admin/products (first page, and a search by name or SKU) with an
# admin's session, and, in the same run, on the shopper's /c/games listing as the reference.
# Prints requests/s and p99 for each and the ratios.
#
# Usage: bench/admin-list.sh [PRODUCTS=10000] [DURATION_SECONDS=10] [CONNECTIONS=16]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

PRODUCTS="${1:-10000}"
DURATION="${2:-10}"
CONNS="${3:-16}"

bench_scratch
bench_prepare
export RUST_LOG=warn APP_SEED_DEMO=true
bench_shop
URL="http://127.0.0.1:$APP_PORT"

info "copying the catalog to about $PRODUCTS products"
psql -q -v ON_ERROR_STOP=1 "$DB" <<SQL
SET shop.listing_sync = 'off'; -- the listing read model is rebuilt once, below
CREATE TEMP TABLE originals AS SELECT * FROM products;
CREATE TEMP TABLE copies AS
  SELECT g FROM generate_series(1, greatest(1, ($PRODUCTS / (SELECT count(*) FROM originals))::int - 1)) g;
INSERT INTO products (slug, name, department, category_id, summary, description, keywords, search_text, status, max_per_order)
  SELECT o.slug || '-c' || c.g, o.name || ' ' || c.g, o.department, o.category_id, o.summary, o.description,
         o.keywords, o.search_text, o.status, o.max_per_order
  FROM originals o CROSS JOIN copies c;
INSERT INTO variants (product_id, sku, price_minor, stock, position, platform, edition, metal, ring_size)
  SELECT p.id, v.sku || '-C' || c.g, v.price_minor, v.stock, v.position, v.platform, v.edition, v.metal, v.ring_size
  FROM originals o CROSS JOIN copies c JOIN products p ON p.slug = o.slug || '-c' || c.g
  JOIN variants v ON v.product_id = o.id;
SELECT listing_rebuild();
ANALYZE;
SQL
total="$(psql -tA "$DB" -c 'SELECT count(*) FROM products')"
info "$total products, $(psql -tA "$DB" -c 'SELECT count(*) FROM variants') variants"

cookie="$(bench_admin_cookie "$URL")"
[[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$URL/admin/products")" == 200 ]] ||
  die "the admin list did not answer 200"
curl -s -H "Cookie: $cookie" "$URL/admin/products" | grep -qE "product-count\"[^>]*>[^0-9<]*$total" || die "the admin list does not count $total products"


info "wrk: $CONNS connections, 2 threads, ${DURATION}s each"
read -r list_rps list_p99 <<<"$(wrk_measure "$URL/admin/products" "Cookie: $cookie")"
read -r search_rps search_p99 <<<"$(wrk_measure "$URL/admin/products?q=zelda" "Cookie: $cookie")"
read -r sku_rps sku_p99 <<<"$(wrk_measure "$URL/admin/products?q=-c77&status=active&low_stock=1" "Cookie: $cookie")"
read -r shop_rps shop_p99 <<<"$(wrk_measure "$URL/c/games")"

echo
printf '%-52s %10s %10s\n' "page ($total products)" "req/s" "p99 (ms)"
printf '%-52s %10.0f %10.2f\n' "/admin/products (first page)" "$list_rps" "$list_p99"
printf '%-52s %10.0f %10.2f\n' "/admin/products?q=zelda" "$search_rps" "$search_p99"
printf '%-52s %10.0f %10.2f\n' "/admin/products?q=-c77&status=active&low_stock=1" "$sku_rps" "$sku_p99"
printf '%-52s %10.0f %10.2f\n' "reference: shopper /c/games" "$shop_rps" "$shop_p99"
awk -v a="$list_p99" -v s="$search_p99" -v r="$shop_p99" 'BEGIN {
  printf "p99 ratio admin list / shopper listing: %.2f; admin search / shopper listing: %.2f\n", a / r, s / r
}'
