#!/usr/bin/env bash
# Add-to-cart throughput over HTTP (wrk against the release server), then checkout throughput: the shop's `start_checkout` (server/src/bin/checkout_bench.rs: price lookup,
# order and line, conditional stock UPDATE, hold and ledger rows, one transaction) under concurrency,
# then pgbench running the same SQL statements as a raw script, on the same database, in this one run.
# Prints both rates, the shop's p50/p99 and the ratio (goal: at least 0.70 of pgbench).
#
# Usage: bench/checkout.sh [SECONDS=15] [CLIENTS=16]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

SECS="${1:-15}"
CLIENTS="${2:-16}"
bench_scratch

ensure_tools
ensure_bench_tools
info "building the server, site and checkout benchmark driver (release)"
leptos_build_release checkout_bench >/dev/null
pg_start "$TMP/pg" "$(free_port)"
pg_create_db "$PG_PORT" bench
DB="$(pg_url "$PG_PORT" bench)"
PSQL=("$(pg_bin_dir)/psql" -q -X -v ON_ERROR_STOP=1 "$DB")

# Migrate by starting the server once against the empty database, then stop it.
APP_PORT="$(free_port)"
(APP_DATABASE_URL="$DB" APP_LISTEN="127.0.0.1:$APP_PORT" RUST_LOG=warn "$(server_bin)" >"$TMP/server.log" 2>&1) &
SERVER_PID=$!
wait_ready "http://127.0.0.1:$APP_PORT/readyz" "$SERVER_PID" 60 "$TMP/server.log"

variant() { # a fresh game variant with ample stock; prints its id
  "${PSQL[@]}" -t -A -c "
    WITH c AS (INSERT INTO categories (slug, name, department, description)
               VALUES ('bench-' || md5(random()::text), 'Bench', 'games', '') RETURNING id),
         p AS (INSERT INTO products (slug, name, department, category_id)
               SELECT 'bench-' || md5(random()::text), 'Bench game', 'games', id FROM c RETURNING id)
    INSERT INTO variants (product_id, sku, price_minor, stock)
    SELECT id, upper('B-' || substr(md5(random()::text), 1, 12)), 5999, 100000000 FROM p RETURNING id;" | head -1
}

# Add to cart over HTTP: the in-place server function (session, cart and line in Postgres), each
# request a new shopper (no cookie), so every one creates a session and a cart.
VA="$(variant)"
cat >"$TMP/add.lua" <<LUA
wrk.method = "POST"
wrk.body = "variant_id=${VA}&quantity=1"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
info "add to cart: wrk, $CLIENTS connections, ${SECS}s, POST /api/cart/add-in-place"
wrk -t2 -c"$CLIENTS" -d"${SECS}s" --latency -s "$TMP/add.lua" "http://127.0.0.1:$APP_PORT/api/cart/add-in-place" >"$TMP/wrk.txt" 2>&1
if grep -q "Non-2xx" "$TMP/wrk.txt"; then die "errors during the add-to-cart run: $(grep Non-2xx "$TMP/wrk.txt")"; fi
ADD_RPS="$(awk '/^Requests\/sec:/ { print $2 }' "$TMP/wrk.txt")"
ADD_P99="$(awk '$1 == "99%" { print $2 }' "$TMP/wrk.txt")"
echo "add to cart: ${ADD_RPS} req/s, p99 ${ADD_P99}"
stop_pid "$SERVER_PID" 10

V1="$(variant)"
info "shop: $CLIENTS clients, ${SECS}s, start_checkout on variant $V1"
SHOP="$(DATABASE_URL="$DB" "$CARGO_TARGET_DIR/release/checkout_bench" "$CLIENTS" "$SECS" "$V1")"
echo "shop:    $SHOP"

V2="$(variant)"
cat >"$TMP/reserve.sql" <<SQL
BEGIN;
SELECT v.id, v.price_minor, p.max_per_order FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = ${V2};
WITH o AS (INSERT INTO orders (checkout_key, email, currency, subtotal_minor, discount_minor, shipping_minor, tax_minor, total_minor, lines_fingerprint) VALUES (gen_random_uuid(), 'bench@example.com', 'EUR', 5999, 0, 0, 999, 5999, '${V2}x1@5999') RETURNING id) SELECT quote_literal(id) AS oid FROM o \\gset
INSERT INTO order_lines (order_id, variant_id, product_name, variant_label, department, unit_price_minor, quantity, line_total_minor) VALUES (:oid, ${V2}, 'Bench game', '', 'games', 5999, 1, 5999);
UPDATE variants SET stock = stock - 1 WHERE id = ${V2} AND stock >= 1;
INSERT INTO stock_holds (order_id, variant_id, quantity, expires_at) VALUES (:oid, ${V2}, 1, now() + interval '15 minutes');
INSERT INTO stock_ledger (variant_id, delta, reason, order_id) VALUES (${V2}, -1, 'hold', :oid);
COMMIT;
SQL
info "pgbench: the same statements, $CLIENTS clients, ${SECS}s"
"$(pg_bin_dir)/pgbench" -n -c "$CLIENTS" -j 2 -T "$SECS" -f "$TMP/reserve.sql" "$DB" >"$TMP/pgbench.txt" 2>&1 ||
  { cat "$TMP/pgbench.txt"; die "pgbench failed"; }
PG_TPS="$(grep -oE 'tps = [0-9.]+' "$TMP/pgbench.txt" | head -1 | awk '{print $3}')"
PG_LAT="$(grep -oE 'latency average = [0-9.]+ ms' "$TMP/pgbench.txt" | awk '{print $4}')"
echo "pgbench: tps=$PG_TPS latency_avg_ms=$PG_LAT"
SHOP_TPS="$(echo "$SHOP" | grep -oE 'tps=[0-9.]+' | cut -d= -f2)"
awk -v a="$SHOP_TPS" -v b="$PG_TPS" 'BEGIN { printf "ratio shop/pgbench: %.2f (goal >= 0.70)\n", a / b }'
"${PSQL[@]}" -t -A -c "SELECT 'stock never negative: ' || bool_and(stock >= 0) FROM variants;"
