#!/usr/bin/env bash
# The shopper bundle from the last release build (`cargo leptos build --release --precompress --split`
# writes the .br files the server sends): what a shopper page loads (shop.wasm, shop.js and the JS
# modules shop.js imports, CSS apart), raw and brotli, then the lazy chunks only staff pages fetch.
# Fails when the shopper JS + WASM is more than 1 KB brotli above bench/bundle-baseline, or over the
# 150 KB budget.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
PKG="$(site_dir)/pkg"
# The build names files by their content (shop.<hash>.wasm) or, unhashed, shop.wasm.
one() {
  local f
  f="$(cd "$PKG" && compgen -G "shop*$1" | grep -E "^shop(\.[A-Za-z0-9_-]{22})?$1\$" | head -1 || true)"
  [[ -n "$f" ]] || die "no shop*$1 in $PKG: run scripts/run or bench/listing.sh first"
  echo "$f"
}
WASM="$(one .wasm)"
JS="$(one .js)"
CSS="$(one .css)"
[[ -f "$PKG/$WASM.br" ]] || die "no release build in $PKG: run scripts/run or bench/listing.sh first"
br_size() { [[ -f "$1.br" ]] || die "no $1.br: build with --precompress"; stat -c %s "$1.br"; }
row() { awk -v f="$1" -v r="$2" -v b="$3" 'BEGIN { printf "%-40s %10.1f %10.1f\n", f, r / 1024, b / 1024 }'; }

# shop.js and whatever it imports (the split loader), found in its text rather than by name.
mapfile -t shopper < <(
  echo "$WASM"
  echo "$JS"
  grep -oE 'from ?"\./[^"]+\.js"' "$PKG/$JS" | sed -E 's/^from ?"\.\/(.*)"$/\1/' | sort -u
)
printf '%-40s %10s %10s\n' "shopper pages load" "raw (KB)" "brotli (KB)"
js_wasm_br=0
for f in "${shopper[@]}"; do
  [[ -f "$PKG/$f" ]] || die "shop.js imports $f, which is not in $PKG"
  raw="$(stat -c %s "$PKG/$f")"
  br="$(br_size "$PKG/$f")"
  js_wasm_br=$((js_wasm_br + br))
  row "$f" "$raw" "$br"
done
css_br="$(br_size "$PKG/$CSS")"
row "$CSS" "$(stat -c %s "$PKG/$CSS")" "$css_br"
row "total JS + WASM" 0 "$js_wasm_br" | sed 's/ *0.0 / -     /'
row "total with CSS" 0 "$((js_wasm_br + css_br))" | sed 's/ *0.0 / -     /'

lazy_br=0
lazy_n=0
for f in "$PKG"/*.wasm; do
  [[ "$(basename "$f")" == "$WASM" ]] && continue
  lazy_br=$((lazy_br + $(br_size "$f")))
  lazy_n=$((lazy_n + 1))
done
echo "lazy chunks (fetched by the staff pages that use them): $lazy_n, $(awk -v b="$lazy_br" 'BEGIN { printf "%.1f", b / 1024 }') KB brotli"

baseline="$(grep -v '^#' "$(dirname "${BASH_SOURCE[0]}")/bundle-baseline" | head -1)"
growth=$((js_wasm_br - baseline))
echo "shopper JS + WASM vs bench/bundle-baseline ($baseline bytes): ${growth} bytes"
if ((growth > 1024)); then
  die "the shopper JS + WASM grew by $growth bytes brotli (limit: 1024): keep staff code in lazy islands"
fi
# The budget: 150 KB brotli for what a shopper page loads of JS + WASM (the WASM is most of a phone's
# load time after the HTML).
budget=$((150 * 1024))
echo "shopper JS + WASM vs the budget ($budget bytes): $((js_wasm_br - budget)) bytes"
if ((js_wasm_br > budget)); then
  die "the shopper JS + WASM is $js_wasm_br bytes brotli, over the $budget-byte budget"
fi
