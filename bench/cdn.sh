#!/usr/bin/env bash
# The shop behind Varnish (deploy/varnish/shop.vcl), as the CDN will see it: the replayed traffic mix of
# end2end/tests/cache-proxy.spec.ts (anonymous visitors browsing, buyers, a staff price change every
# 3 s, then a sell-out) through the proxy, on the demo catalog. Prints the hit ratio of all requests
# and of anonymous page views, then wrk on /c/games through the proxy (cache hits) beside the app
# alone (uncached), with their ratio.
#
# Usage: bench/cdn.sh [DURATION_SECONDS=10] [CONNECTIONS=16]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

DURATION="${1:-10}"
CONNS="${2:-16}"

bench_scratch
ensure_tools
ensure_e2e_tools
ensure_proxy_tools
ensure_bench_tools
info "building the release server and site"
leptos_build_release >/dev/null

pg_start "$TMP/pg" "$(free_port)"
pg_create_db "$PG_PORT" bench
APP_PORT="$(free_port)"
PROXY_PORT="$(free_port)"
PROXY_URL="http://127.0.0.1:$PROXY_PORT"
proxy_start "$PROXY_PORT" "$APP_PORT" "$TMP/varnish"
PIDS+=("$PROXY_PID")
export RUST_LOG=warn APP_SEED_DEMO=true APP_AUTH__LIMITS__SIGN_IN_PER_IP__MAX=10000
export APP_CACHE__PURGE=proxy APP_CACHE__PROXY_URL="$PROXY_URL/"
start_shop test "$APP_PORT" "$(pg_url "$PG_PORT" bench)" "$TMP" || {
  PIDS+=("$SHOP_PID")
  exit 1
}
PIDS+=("$SHOP_PID")
sleep 2 # the seed's purges go out a second after it

info "the replayed traffic mix through Varnish"
(cd "$ROOT/end2end" && export PROXY_URL && BASE_URL="$PROXY_URL" CHROMIUM_PATH="$(chromium_path)" \
  npx --no-install playwright test --project=proxy --reporter=list 2>&1) | tee "$TMP/mix.log" | grep -E 'proxy hit ratio|passed|failed'

info "wrk: $CONNS connections, 2 threads, ${DURATION}s each, GET /c/games"
read -r proxy_rps proxy_p99 <<<"$(wrk_measure "$PROXY_URL/c/games")"
read -r app_rps app_p99 <<<"$(wrk_measure "http://127.0.0.1:$APP_PORT/c/games")"
echo
printf '%-34s %12s %10s\n' "/c/games" "req/s" "p99 (ms)"
printf '%-34s %12.0f %10.2f\n' "through Varnish (hits)" "$proxy_rps" "$proxy_p99"
printf '%-34s %12.0f %10.2f\n' "the app alone (rendered)" "$app_rps" "$app_p99"
echo "ratio proxy/app: $(awk -v a="$proxy_rps" -v b="$app_rps" 'BEGIN { printf "%.1f", a / b }')"
