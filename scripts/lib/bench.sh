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
  # wrk's Lua hook adds a line of exact percentiles (its --latency table has no 95th).
  cat >"$TMP/percentiles.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("percentiles-ms %.2f %.2f %.2f\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
LUA
  wrk -t2 -c"$conns" -d"${duration}s" --latency -s "$TMP/percentiles.lua" "${headers[@]}" "$url" >"$TMP/wrk.txt" 2>&1
  if grep -q "Non-2xx" "$TMP/wrk.txt"; then die "errors during the run on $url: $(grep Non-2xx "$TMP/wrk.txt")"; fi
  local rps p99
  rps="$(awk '/^Requests\/sec:/ { print $2 }' "$TMP/wrk.txt")"
  p99="$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }' "$TMP/wrk.txt")"
  echo "$rps $p99"
}

# wrk_percentiles: "p50 p95 p99" in milliseconds of the last wrk_measure.
wrk_percentiles() {
  awk '$1 == "percentiles-ms" { print $2, $3, $4 }' "$TMP/wrk.txt"
}

# bench_prepare [BIN...]: the tools, the release server and site (and BINs, bench drivers of the
# server package, built the same way), and a throwaway PostgreSQL cluster with an empty database
# `bench`, whose URL is in $DB. Call after bench_scratch.
bench_prepare() {
  ensure_tools
  ensure_bench_tools
  info "building the release server and site${1:+ (and $*)}"
  leptos_build_release "$@" >/dev/null
  pg_start "$TMP/pg" "$(free_port)"
  pg_create_db "$PG_PORT" bench
  DB="$(pg_url "$PG_PORT" bench)"
}

# bench_admin_cookie URL: signs in as the demo admin and prints the session cookie (name=value). The
# cookie is Secure (production), so it is read from the header, not a jar. Ends the script on failure.
bench_admin_cookie() {
  local cookie
  cookie="$(curl -s -o /dev/null -D - -X POST "$1/api/account/sign-in" \
    -H 'Origin: https://shop.example' -H 'Accept: text/html' \
    --data-urlencode 'email=admin@example.com' --data-urlencode 'password=Admin-demo-2026!' |
    awk -F'[ ;]' 'tolower($1) == "set-cookie:" && $2 ~ /^shop_session=/ { print $2 }' | tail -n 1)"
  [[ -n "$cookie" ]] || die "could not sign in as the demo admin"
  echo "$cookie"
}

# bench_shop [BASE_URL]: the release server in production mode on a free port, on $DB (seeding the demo
# shop when APP_SEED_DEMO=true and it is empty), stopped on exit; the script ends if it does not start.
bench_shop() {
  APP_PORT="$(free_port)"
  start_shop production "$APP_PORT" "$DB" "$TMP" "${1:-https://shop.example}" || {
    PIDS+=("$SHOP_PID")
    exit 1
  }
  PIDS+=("$SHOP_PID")
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
