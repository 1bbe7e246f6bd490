#!/usr/bin/env bash
# Photos processed per minute on this machine: criterion times the photo job's work on a 4000 x 3000
# JPEG (decode, turn upright, every responsive width as WebP and JPEG) and, in the same run, decoding
# alone as the reference. Prints both, photos per minute (one worker) and the ratio.
#
# Usage: bench/photos.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

cd "$ROOT"
info "running the photo benchmark (criterion, release build)"
out="$(cargo bench -p app --features ssr --bench photos -- --noplot 2>&1 | tee /dev/stderr)"
# criterion prints "time:   [low mean high]" after each benchmark's name.
mean_of() {
  printf '%s\n' "$out" | grep -A2 -F "$1" | grep -m1 'time:' |
    sed -E 's/.*\[[^ ]+ [^ ]+ ([0-9.]+) (ns|µs|us|ms|s) .*/\1 \2/'
}
to_ms() {
  awk -v v="$1" -v u="$2" 'BEGIN { f = (u == "s") ? 1000 : (u == "ms") ? 1 : (u == "ns") ? 1e-6 : 1e-3; printf "%.1f", v * f }'
}
read -r full_v full_u <<<"$(mean_of 'full: decode')"
read -r ref_v ref_u <<<"$(mean_of 'reference: decode only')"
full_ms="$(to_ms "$full_v" "$full_u")"
ref_ms="$(to_ms "$ref_v" "$ref_u")"
awk -v f="$full_ms" -v r="$ref_ms" 'BEGIN {
  printf "photo job, 4000x3000 JPEG: %.0f ms each = %.1f photos/minute per worker\n", f, 60000 / f
  printf "reference (decode only): %.0f ms; the full job costs %.1fx decoding\n", r, f / r
}'
