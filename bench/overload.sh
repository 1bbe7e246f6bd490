#!/usr/bin/env bash
# Overload: a page at 4x the rate the shop sustains, with admission control off and then on (the
# same build and database, one run). wrk first finds the sustainable rate (closed loop, 16
# connections); then oha sends at 4x that rate, open loop (requests leave on schedule whether or not
# answers came back, and latency counts from the scheduled time), for each setting. Prints, per
# setting: answers by status, p50/p99 of the 200s and of the refusals, and requests left unanswered
# (4096 connections, so the client never waits for a free one: the waiting happens in the shop).
#
# Usage: bench/overload.sh [SECONDS=15] [PAGE=/c/games]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

SECS="${1:-15}"
PAGE="${2:-/c/games}"
FACTOR=4

bench_scratch
ensure_oha
bench_prepare

# start IN_FLIGHT: the shop with that admission limit (0: none), the other settings at their defaults.
start() {
  # Uncached (APP_PAGE_CACHE_MB=0): every request is rendered, as at a launch's first minutes.
  APP_PAGE_CACHE_MB=0 APP_MAX_IN_FLIGHT="$1" RUST_LOG=error APP_SEED_DEMO=true bench_shop
}
stop() {
  stop_pid "$SHOP_PID" 10
  PIDS=("${PIDS[@]/$SHOP_PID/}")
}

start 64
info "wrk: the sustainable rate of GET $PAGE (16 connections, 10 s)"
read -r sustained sustained_p99 <<<"$(CONNS=16 DURATION=10 wrk_measure "$SHOP_URL$PAGE")"
rate="$(awk -v r="$sustained" -v f="$FACTOR" 'BEGIN { printf "%d", r * f }')"
stop

# overload NAME IN_FLIGHT: oha at $rate for $SECS s; prints one summary line.
overload() {
  local name="$1" in_flight="$2"
  start "$in_flight"
  curl -s -o /dev/null "$SHOP_URL$PAGE"
  info "oha: $rate req/s for ${SECS}s, GET $PAGE ($name)"
  oha -z "${SECS}s" -q "$rate" --latency-correction -c 4096 -t 20s --no-tui --output-format csv \
    "$SHOP_URL$PAGE" >"$TMP/$name.csv" 2>"$TMP/oha.err" || true
  stop
  python3 - "$TMP/$name.csv" "$name" "$rate" "$SECS" <<'EOF'
import csv, sys
path, name, rate, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
by = {}
with open(path) as f:
    for row in csv.DictReader(f):
        by.setdefault(row["status"], []).append(float(row["request-duration"]) * 1000)
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else float("nan")
sent = rate * secs
answered = sum(len(v) for v in by.values())
ok = by.get("200", [])
refused = by.get("503", [])
other = {k: len(v) for k, v in by.items() if k not in ("200", "503")}
print(f"{name:<24} {len(ok) / secs:8.0f} {len(ok):7d} {pct(ok, .5):8.0f} {pct(ok, .99):8.0f} "
      f"{len(refused):7d} {pct(refused, .5):8.0f} {pct(refused, .99):8.0f} "
      f"{sum(other.values()):6d} {max(0, sent - answered):10d}  {other or ''}")
EOF
}

echo
echo "sustainable: $(printf '%.0f' "$sustained") req/s (p99 ${sustained_p99} ms, wrk, 16 connections); offered: $rate req/s (${FACTOR}x), open loop"
printf '%-24s %8s %7s %8s %8s %7s %8s %8s %6s %10s\n' "admission" "200/s" "200s" "p50 ms" "p99 ms" "503s" "p50 ms" "p99 ms" "other" "unanswered"
overload "off (no limit)" 0
overload "on (defaults)" 64
