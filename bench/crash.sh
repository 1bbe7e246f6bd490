#!/usr/bin/env bash
# Crash test: shoppers check out and pay while the release server is killed with SIGKILL at random
# moments and restarted (bench/crash.py drives it and checks the database afterwards: no paid order
# missing, none paid twice, no hold leaked, every ledger balances, every e-mail job delivered).
#
# Usage: bench/crash.sh [KILLS=10] [ROUNDS=1]   (SKIP_BUILD=1 SERVER_BIN=path: use another server build)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

KILLS="${1:-10}"
ROUNDS="${2:-1}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/shop-crash.XXXXXX")"
chmod 755 "$TMP"
cleanup() {
  local rc=$?
  if [[ -f "$TMP/server.pid" ]]; then kill -9 "$(cat "$TMP/server.pid")" 2>/dev/null || true; fi
  pg_stop "$TMP/pg" || true
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT

ensure_tools
build_server_unless_skipped
pg_start "$TMP/pg" "$(free_port)"
APP_PORT="$(free_port)"
PATH="$(pg_bin_dir):$PATH"
export PATH

# (Re)starts the server and waits until it answers; a running one is killed with SIGKILL first.
cat >"$TMP/restart" <<SH
#!/usr/bin/env bash
set -euo pipefail
source "$ROOT/scripts/lib.sh"
if [[ -f "$TMP/server.pid" ]]; then kill -9 "\$(cat "$TMP/server.pid")" 2>/dev/null || true; sleep 0.1; fi
export RUST_LOG=warn
SHOP_READY_TIMEOUT=60 start_shop development "$APP_PORT" "\$CRASH_DB" "$TMP" || status=\$?
echo "\$SHOP_PID" >"$TMP/server.pid"
exit "\${status:-0}"
SH
chmod +x "$TMP/restart"

for ((round = 1; round <= ROUNDS; round++)); do
  pg_create_db "$PG_PORT" "crash$round"
  CRASH_DB="$(pg_url "$PG_PORT" "crash$round")"
  export CRASH_DB
  "$TMP/restart"
  psql -X -q -v ON_ERROR_STOP=1 "$CRASH_DB" >/dev/null <<'SQL'
WITH c AS (INSERT INTO categories (slug, name, department, description) VALUES ('crash-rings', 'Rings', 'jewelry', '') RETURNING id),
     p AS (INSERT INTO products (slug, name, department, category_id) SELECT 'crash-ring', 'Crash ring', 'jewelry', id FROM c RETURNING id)
INSERT INTO variants (product_id, sku, price_minor, stock) SELECT id, 'CRASH-RING', 24900, 40 FROM p;
WITH c AS (INSERT INTO categories (slug, name, department, description) VALUES ('crash-games', 'Games', 'games', '') RETURNING id),
     p AS (INSERT INTO products (slug, name, department, category_id) SELECT 'crash-game', 'Crash game', 'games', id FROM c RETURNING id)
INSERT INTO variants (product_id, sku, price_minor, stock) SELECT id, 'CRASH-GAME', 5999, 100000 FROM p;
SQL
  info "crash round $round/$ROUNDS: $KILLS kills"
  CRASH_RESTART="$TMP/restart" python3 "$ROOT/bench/crash.py" "http://127.0.0.1:$APP_PORT" "$CRASH_DB" "$KILLS"
done
