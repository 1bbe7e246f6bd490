#!/usr/bin/env bash
# Lighthouse on the shopper pages, MOBILE preset (Lighthouse's default form factor, simulated throttling:
# slow 4G and a 4x slower CPU, modelled from one unthrottled load). Each page is measured RUNS times, one
# run after the other (about 16 s a run on the 2-core machine), and the table shows the median of each
# column over those runs: the four category scores, LCP, CLS, TBT and the total transfer size. After the
# table come the audits that do not pass in accessibility / best practices / SEO (with the offending
# selectors) and the largest performance opportunities, both from each page's median run.
#
# Usage:
#   bench/lighthouse.sh                                   builds the release server, seeds a throwaway
#                                                         database, serves it and measures it (like listing.sh)
#   BASE_URL=http://127.0.0.1:3000 bench/lighthouse.sh    measures a shop that is already running; starts nothing
#   RUNS=3 bench/lighthouse.sh                            runs per page (default 5)
#
# Lighthouse comes from npm (the exact version pinned in bench/lighthouse/package.json, installed with
# `npm ci` into bench/lighthouse/node_modules); the browser is Debian's Chromium (CHROME_PATH), never a
# downloaded one. JSON reports and a summary go to bench/results/lighthouse-<date>-<time>/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

RUNS="${RUNS:-5}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive whole number (got '$RUNS')"
LH_DIR="$ROOT/bench/lighthouse"
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage"

bench_scratch

# --- tools: Node.js, Chromium, Lighthouse ------------------------------------------------------------
_ensure_lighthouse_locked() {
  if [[ ! -x "$(chromium_path)" ]]; then
    info "installing chromium (apt)"
    apt_install chromium
  fi
  if [[ ! -f "$LH_DIR/node_modules/.package-lock.json" ]] ||
    [[ "$LH_DIR/package-lock.json" -nt "$LH_DIR/node_modules/.package-lock.json" ]]; then
    info "installing Lighthouse (npm ci in bench/lighthouse)"
    (cd "$LH_DIR" && quietly "$SHOP_TOOLS_DIR/logs/npm-ci-lighthouse.log" npm ci --no-audit --no-fund)
  fi
}

if [[ -n "${BASE_URL:-}" ]]; then
  BASE_URL="${BASE_URL%/}"
  # Only what measuring needs: Node.js 20+ (Lighthouse 12 needs 18.16+), Chromium, Lighthouse.
  if ! _node_ok; then
    _ensure_apt_tools
    _with_install_lock _ensure_node
  fi
else
  ensure_tools
fi
_with_install_lock _ensure_lighthouse_locked
LH_BIN="$LH_DIR/node_modules/.bin/lighthouse"
CHROME_PATH="$(chromium_path)"
export CHROME_PATH

# --- the shop: the one at BASE_URL, or our own release build on a throwaway database -----------------
if [[ -n "${BASE_URL:-}" ]]; then
  [[ "$(http_status "$BASE_URL/readyz")" == 200 ]] ||
    die "no shop answering at $BASE_URL/readyz (start one with scripts/run, or leave BASE_URL unset)"
  info "measuring the shop at $BASE_URL"
else
  info "building the release server and site (log: $SHOP_TOOLS_DIR/logs/lighthouse-build.log)"
  quietly "$SHOP_TOOLS_DIR/logs/lighthouse-build.log" leptos_build_release

  pg_start "$TMP/pg" "$(free_port)"
  pg_create_db "$PG_PORT" lighthouse
  DB="$(pg_url "$PG_PORT" lighthouse)"

  APP_PORT="$(free_port)"
  BASE_URL="http://127.0.0.1:$APP_PORT"
  # Production refuses an http:// base_url; it is used only for the canonical link (and the cross-site
  # check, which GET pages do not hit), so an https origin on the same host and port is enough here.
  info "starting the release server on $BASE_URL (seeding the demo catalog)"
  export RUST_LOG=warn APP_SEED_DEMO=true
  start_shop production "$APP_PORT" "$DB" "$TMP" || {
    PIDS+=("$SHOP_PID")
    exit 1
  }
  PIDS+=("$SHOP_PID")
fi

# --- pages ----------------------------------------------------------------------------------------
# The first product of each department's listing.
first_product() {
  curl -sf --max-time 10 "$BASE_URL$1" | grep -o 'href="/p/[^"]*"' | head -n 1 | sed 's/^href="//; s/"$//' || true
}
ring="$(first_product /c/rings)"
game="$(first_product /c/games)"
[[ -n "$ring" && -n "$game" ]] || die "found no product link (href=\"/p/...\") on $BASE_URL/c/rings or /c/games"
PAGES=(/ /c/games /c/rings "$ring" "$game" "/search?q=sapphire")
for path in "${PAGES[@]}"; do
  status="$(http_status "$BASE_URL$path")"
  [[ "$status" == 200 ]] || die "$BASE_URL$path answered $status, not 200"
done

# File names: the path with every run of other characters made "_" (summarize.mjs does the same).
slug_of() {
  local s
  s="$(printf '%s' "$1" | sed -E 's/[^A-Za-z0-9]+/_/g; s/^_+//; s/_+$//')"
  echo "${s:-home}"
}

OUT="$ROOT/bench/results/lighthouse-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
# One warm-up request per page, so the first measured run does not pay for cold caches on the server.
for path in "${PAGES[@]}"; do curl -s -o /dev/null --max-time 10 "$BASE_URL$path" || true; done

info "Lighthouse $("$LH_BIN" --version) (mobile preset), $RUNS runs per page, ${#PAGES[@]} pages, Chromium $("$CHROME_PATH" --version 2>/dev/null | awk '{ print $2 }')"
# Lighthouse now and then fails a load with a trace error (NO_NAVSTART, NO_FCP): such a run is tried again,
# up to 3 attempts; a run that still fails is left out of the median (the "runs" column shows it).
lighthouse_run() { # URL OUTPUT_FILE
  "$LH_BIN" "$1" --quiet \
    --only-categories=performance,accessibility,best-practices,seo \
    --output=json --output-path="$2" \
    --chrome-flags="$CHROME_FLAGS" >"$TMP/lighthouse.log" 2>&1 &&
    node -e 'process.exit(require(process.argv[1]).runtimeError ? 1 : 0)' "$2" 2>/dev/null
}
for path in "${PAGES[@]}"; do
  slug="$(slug_of "$path")"
  for ((i = 1; i <= RUNS; i++)); do
    info "  $path (run $i of $RUNS)"
    for attempt in 1 2 3; do
      if lighthouse_run "$BASE_URL$path" "$OUT/$slug-$i.json"; then
        break
      fi
      warn "Lighthouse failed on $path (run $i, attempt $attempt): $(grep -m1 -i 'error' "$TMP/lighthouse.log" || tail -n 1 "$TMP/lighthouse.log")"
      rm -f "$OUT/$slug-$i.json"
    done
  done
done

echo
echo "Lighthouse, mobile preset, median of $RUNS runs per page, $BASE_URL"
node "$LH_DIR/summarize.mjs" "$OUT" "${PAGES[@]}"
echo
echo "JSON reports: $OUT"
