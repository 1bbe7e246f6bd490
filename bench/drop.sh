#!/usr/bin/env bash
# Limited drop: a game with a pool of KEYS license keys launches a few seconds from now and BUYERS
# shoppers rush it at once (bench/drop.py drives them and checks the database: exactly KEYS paid
# orders with KEYS distinct keys, everyone else told "sold out" before paying). Repeated ROUNDS
# times against one release server; prints throughput and p50/p99 per step.
#
# Usage: bench/drop.sh [KEYS=100] [BUYERS=500] [ROUNDS=3]   (SKIP_BUILD=1 SERVER_BIN=path: another build)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

KEYS="${1:-100}"
BUYERS="${2:-500}"
ROUNDS="${3:-3}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/shop-drop.XXXXXX")"
chmod 755 "$TMP"
SERVER_PID=""
cleanup() {
  local rc=$?
  [[ -n "$SERVER_PID" ]] && stop_pid "$SERVER_PID" 15
  pg_stop "$TMP/pg" || true
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT

ensure_tools
build_server_unless_skipped
BIN="${SERVER_BIN:-$(server_bin)}"
pg_start "$TMP/pg" "$(free_port)"
pg_create_db "$PG_PORT" drop
PATH="$(pg_bin_dir):$PATH"
APP_DATABASE_URL="$(pg_url "$PG_PORT" drop)"
export PATH APP_DATABASE_URL
APP_PORT="$(free_port)"
export RUST_LOG=warn
# The crowd arrives within a second: let requests queue for a connection rather than time out.
export APP_DB_MAX_CONNECTIONS=20 APP_REQUEST_TIMEOUT_SECS=60
SERVER_BIN="$BIN" SHOP_READY_TIMEOUT=60 start_shop development "$APP_PORT" "$APP_DATABASE_URL" "$TMP" || status=$?
SERVER_PID="$SHOP_PID"
[[ -z "${status:-}" ]] || exit "$status"
psql -X -q -v ON_ERROR_STOP=1 "$APP_DATABASE_URL" >/dev/null \
  -c "INSERT INTO categories (slug, name, department, description) VALUES ('drops', 'Drops', 'games', '')"

passed=0
for ((round = 1; round <= ROUNDS; round++)); do
  sku="DROP-$round"
  variant="$(psql -X -q -t -A -v ON_ERROR_STOP=1 "$APP_DATABASE_URL" -c "
    WITH p AS (INSERT INTO products (slug, name, department, category_id, launch_at)
               SELECT 'drop-$round', 'Drop $round', 'games', id, now() + interval '1 hour' FROM categories WHERE slug = 'drops' RETURNING id)
    INSERT INTO variants (product_id, sku, price_minor, stock) SELECT id, '$sku', 2999, 0 FROM p RETURNING id" | head -n1)"
  # The pool, through the same import the admin page uses.
  "$BIN" keys generate "$sku" "$KEYS" "DROP-XXXXX-XXXXX-XXXXX-XXXXX" >/dev/null
  launch="$(psql -X -q -t -A "$APP_DATABASE_URL" -c \
    "UPDATE products SET launch_at = now() + interval '3 seconds' WHERE slug = 'drop-$round' RETURNING extract(epoch FROM launch_at)" | head -n1)"
  info "drop round $round/$ROUNDS: $KEYS keys, $BUYERS buyers"
  if python3 "$ROOT/bench/drop.py" "http://127.0.0.1:$APP_PORT" "$APP_DATABASE_URL" "$variant" "$KEYS" "$BUYERS" "$launch"; then
    passed=$((passed + 1))
  fi
done
info "drop test: $passed of $ROUNDS rounds passed"
[[ "$passed" == "$ROUNDS" ]]
