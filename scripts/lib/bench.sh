# shellcheck shell=bash
# Measuring with wrk, for the bench scripts (part of scripts/lib.sh; sourced, never run).

# wrk_measure URL [HEADER...]
#   A 3 s warm-up, then ${DURATION:-10} s with ${CONNS:-16} connections on 2 threads (wrk's report in
#   $TMP/wrk.txt). Prints "requests_per_second p99_ms"; stops the script if any answer was not 2xx/3xx.
wrk_measure() {
  local url="$1"
  shift
  local headers=() h
  for h in "$@"; do headers+=(-H "$h"); done
  local conns="${CONNS:-16}" duration="${DURATION:-10}"
  wrk -t2 -c"$conns" -d3s "${headers[@]}" "$url" >/dev/null 2>&1
  wrk -t2 -c"$conns" -d"${duration}s" --latency "${headers[@]}" "$url" >"$TMP/wrk.txt" 2>&1
  if grep -q "Non-2xx" "$TMP/wrk.txt"; then die "errors during the run on $url: $(grep Non-2xx "$TMP/wrk.txt")"; fi
  local rps p99
  rps="$(awk '/^Requests\/sec:/ { print $2 }' "$TMP/wrk.txt")"
  p99="$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }' "$TMP/wrk.txt")"
  echo "$rps $p99"
}

# bench_scratch: a private directory $TMP for the run and, on exit, the processes in $PIDS stopped,
# the PostgreSQL cluster in $TMP/pg stopped and $TMP removed (the script's exit status kept).
bench_scratch() {
  TMP="$(mktemp -d "${TMPDIR:-/tmp}/shop-bench.XXXXXX")"
  chmod 755 "$TMP"
  PIDS=()
  trap _bench_cleanup EXIT
}
_bench_cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do stop_pid "$p" 10; done
  pg_stop "$TMP/pg" || true
  rm -rf "$TMP"
  exit "$rc"
}
