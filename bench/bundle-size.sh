#!/usr/bin/env bash
# Prints the shopper bundle (JS + WASM + CSS) raw and brotli-compressed, from the last release build
# (`cargo leptos build --release --precompress` writes the .br files the server sends).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
PKG="$(site_dir)/pkg"
[[ -f "$PKG/shop.wasm.br" ]] || die "no release build in $PKG: run scripts/run or bench/listing.sh first"
total_raw=0
total_br=0
printf '%-12s %10s %10s\n' "file" "raw (KB)" "brotli (KB)"
for f in shop.wasm shop.js shop.css; do
  raw="$(stat -c %s "$PKG/$f")"
  br="$(stat -c %s "$PKG/$f.br")"
  total_raw=$((total_raw + raw))
  total_br=$((total_br + br))
  awk -v f="$f" -v r="$raw" -v b="$br" 'BEGIN { printf "%-12s %10.1f %10.1f\n", f, r / 1024, b / 1024 }'
done
awk -v r="$total_raw" -v b="$total_br" 'BEGIN { printf "%-12s %10.1f %10.1f   (budget: 150 KB brotli)\n", "total", r / 1024, b / 1024 }'
