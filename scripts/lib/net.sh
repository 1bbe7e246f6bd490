# shellcheck shell=bash
# Ports, HTTP readiness, stopping processes (part of scripts/lib.sh; sourced, never run).
# ---------------------------------------------------------------------------
# Ports and HTTP

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port: a free TCP port on 127.0.0.1, picked by the kernel (or at random without python3).
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    free_port_from $((20000 + RANDOM % 20000))
  fi
}

# free_port_from START: the first free port from START up.
free_port_from() {
  local p="$1"
  while port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}

http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" 2>/dev/null || true
}

# wait_ready URL PID TIMEOUT_SECONDS LOGFILE: waits for URL to answer 200 while PID lives.
wait_ready() {
  local url="$1" pid="$2" timeout="$3" log="$4" start=$SECONDS
  while true; do
    if [[ "$(http_status "$url")" == 200 ]]; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      warn "the server exited before $url answered; last lines of $log:"
      tail -n 60 "$log" >&2 || true
      return 1
    fi
    if ((SECONDS - start >= timeout)); then
      warn "$url did not answer 200 within ${timeout}s; last lines of $log:"
      tail -n 60 "$log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
}

# stop_pid PID [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default 10).
stop_pid() {
  local pid="$1" grace="${2:-10}" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "process $pid did not stop in ${grace}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
