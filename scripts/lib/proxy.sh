# shellcheck shell=bash
# The caching proxy in front of the shop in the tests: Varnish from Debian's packages, with the
# shop's VCL (deploy/varnish/shop.vcl). Part of scripts/lib.sh; sourced, never run.

# ensure_proxy_tools: installs Varnish when it is missing (idempotent).
ensure_proxy_tools() {
  if ! command -v varnishd >/dev/null 2>&1 && [[ ! -x /usr/sbin/varnishd ]]; then
    info "installing varnish (apt)"
    apt_install varnish
  fi
}

# proxy_start PORT BACKEND_PORT DIR: starts Varnish on 127.0.0.1:PORT in front of the shop on
#   127.0.0.1:BACKEND_PORT, its working files under DIR; waits until it answers. Sets PROXY_PID.
proxy_start() {
  local port="$1" backend="$2" dir="$3" varnishd
  varnishd="$(command -v varnishd || echo /usr/sbin/varnishd)"
  mkdir -p "$dir"
  chmod 755 "$dir"
  sed "s/\.port = \"3000\";/.port = \"$backend\";/" "$ROOT/deploy/varnish/shop.vcl" >"$dir/shop.vcl"
  # -F: stay in the foreground (this script owns the process); -n: a private working directory;
  # -T none: no management port (bans come over HTTP from the shop).
  "$varnishd" -F -a "127.0.0.1:$port" -f "$dir/shop.vcl" -n "$dir/work" -s malloc,128m -T none \
    -p ban_lurker_sleep=0.05 >"$dir/varnish.log" 2>&1 &
  PROXY_PID=$!
  export PROXY_PID
  local start=$SECONDS
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' -X BAN --max-time 2 "http://127.0.0.1:$port/")" == 400 ]]; do
    if ! kill -0 "$PROXY_PID" 2>/dev/null || ((SECONDS - start > 30)); then
      warn "Varnish did not start; its log ($dir/varnish.log):"
      tail -n 30 "$dir/varnish.log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}
