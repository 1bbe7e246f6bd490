#!/usr/bin/env bash
# Lighthouse (mobile preset, simulated throttling) on the shopper pages of a running shop.
# Usage: BASE_URL=http://127.0.0.1:3000 bench/lighthouse.sh   (start the shop with scripts/run first)
# Prints the four category scores and LCP / CLS / TBT per page; JSON reports go to bench/results/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
BASE_URL="${BASE_URL:-http://127.0.0.1:3000}"
LH_VERSION=12.8.2
LH_DIR="$SHOP_TOOLS_DIR/lighthouse"
if [[ ! -x "$LH_DIR/node_modules/.bin/lighthouse" ]]; then
  info "installing lighthouse@$LH_VERSION from npm into $LH_DIR"
  mkdir -p "$LH_DIR"
  quietly "$SHOP_TOOLS_DIR/logs/lighthouse.log" npm install --prefix "$LH_DIR" --no-audit --no-fund --save-exact "lighthouse@$LH_VERSION"
fi
[[ "$(http_status "$BASE_URL/readyz")" == 200 ]] || die "no shop answering at $BASE_URL (run scripts/run first)"
product="$(curl -s "$BASE_URL/c/rings" | grep -o 'href="/p/[a-z0-9-]*"' | head -n 1 | sed 's/href="//; s/"//')"
OUT="$ROOT/bench/results"
mkdir -p "$OUT"
printf '%-40s %5s %5s %5s %5s %8s %6s %8s\n' page perf a11y bp seo LCP CLS TBT
for path in / /c/games /c/rings "$product" "/search?q=sapphire"; do
  file="$OUT/lighthouse-$(echo "$path" | tr -c 'a-z0-9' '_').json"
  CHROME_PATH="$(chromium_path)" "$LH_DIR/node_modules/.bin/lighthouse" "$BASE_URL$path" --quiet \
    --output=json --output-path="$file" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage" \
    >/dev/null 2>&1 || { warn "lighthouse failed on $path"; continue; }
  node -e '
    const r = require(process.argv[1]); const c = r.categories, a = r.audits;
    const s = (k) => Math.round(c[k].score * 100);
    console.log(process.argv[2].padEnd(40), ...[s("performance"), s("accessibility"), s("best-practices"), s("seo")].map((v) => String(v).padStart(5)),
      a["largest-contentful-paint"].displayValue.padStart(8), a["cumulative-layout-shift"].displayValue.padStart(6), a["total-blocking-time"].displayValue.padStart(8));
  ' "$file" "$path"
done
