#!/usr/bin/env bash
# Whether AVIF fits the photo job's time: the five responsive widths of a 4000 x 3000 picture
# encoded as WebP (as the job does) and as AVIF at three encoder speeds, in the same run, one
# thread each (a worker renders one photo at a time). Builds bench/avif on its own (rav1e is large).
#
# Usage: bench/avif.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

ensure_nasm
info "building the AVIF bench (its own target directory)"
CARGO_TARGET_DIR="$CARGO_TARGET_DIR/avif-bench" cargo build --release --quiet --manifest-path "$ROOT/bench/avif/Cargo.toml"
"$CARGO_TARGET_DIR/avif-bench/release/avif-bench"
