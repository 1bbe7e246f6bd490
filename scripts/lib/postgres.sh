# shellcheck shell=bash
# PostgreSQL: a private cluster owned by the current user, or by `postgres` when running as root (part of scripts/lib.sh; sourced, never run).
# ---------------------------------------------------------------------------
# PostgreSQL: a private cluster owned by the current user, or by `postgres` when running as root.

pg_bin_dir() {
  local d
  d="$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1 || true)"
  if [[ -z "$d" ]] && command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir)"
  fi
  [[ -n "$d" && -x "$d/initdb" ]] || die "PostgreSQL server binaries (initdb, pg_ctl) not found"
  echo "$d"
}

# The user the cluster runs as when we are root (initdb refuses to run as root).
PG_OS_USER="${PG_OS_USER:-postgres}"

# Runs a PostgreSQL server command as the cluster's owner.
_pg_as() {
  if is_root; then
    id -u "$PG_OS_USER" >/dev/null 2>&1 ||
      die "running as root, but there is no '$PG_OS_USER' user to run PostgreSQL as (apt-get install postgresql creates it)"
    runuser -u "$PG_OS_USER" -- "$@"
  else
    "$@"
  fi
}

# Makes DIR (if needed) and hands it to the cluster's owner; fails clearly if that user cannot reach it.
pg_prepare_dir() {
  local dir="$1"
  mkdir -p "$dir"
  if is_root; then
    chown "$PG_OS_USER": "$dir"
    chmod 700 "$dir"
    if ! runuser -u "$PG_OS_USER" -- test -w "$dir" 2>/dev/null; then
      die "PostgreSQL runs as the '$PG_OS_USER' user when this script runs as root, and that user cannot reach
  $dir
because a parent directory is closed to it (for example /root is mode 700). Either clone the repository
somewhere '$PG_OS_USER' can reach (e.g. under /srv or /opt), run as a normal user, or point DATABASE_URL at an
existing PostgreSQL database (postgres://USER@HOST:PORT/DB)."
    fi
  fi
}

# Unix socket directory for the cluster: the data dir, unless its path is too long for a socket.
_pg_socket_dir() {
  local dir="$1"
  if ((${#dir} <= 80)); then echo "$dir"; else echo /tmp; fi
}

# pg_start DATADIR PORT: initdb on first use, start (or reuse a running cluster).
# Sets PG_PORT (the port actually in use) and PG_STARTED (1 if this call started the server).
PG_PORT=""
PG_STARTED=0
export PG_PORT PG_STARTED
pg_start() {
  local dir="$1" port="$2" bin
  bin="$(pg_bin_dir)"
  PG_STARTED=0
  pg_prepare_dir "$dir"
  if [[ ! -f "$dir/PG_VERSION" ]]; then
    info "creating a PostgreSQL cluster in $dir"
    quietly "$dir/../initdb.log" _pg_as "$bin/initdb" -D "$dir" -A trust -U postgres -E UTF8 --no-instructions
  fi
  if _pg_as "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    PG_PORT="$(sed -n 4p "$dir/postmaster.pid")"
    info "reusing the PostgreSQL server already running in $dir (port $PG_PORT)"
    return 0
  fi
  local sock
  sock="$(_pg_socket_dir "$dir")"
  if ! _pg_as "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-k $sock -p $port -c listen_addresses=127.0.0.1" start >/dev/null; then
    tail -n 30 "$dir/server.log" >&2 || true
    die "PostgreSQL did not start (log: $dir/server.log)"
  fi
  PG_PORT="$port"
  PG_STARTED=1
}

# pg_stop DATADIR: fast shutdown, if running.
pg_stop() {
  local dir="$1" bin
  bin="$(pg_bin_dir)"
  [[ -f "$dir/postmaster.pid" ]] || return 0
  _pg_as "$bin/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null 2>&1 ||
    warn "could not stop PostgreSQL in $dir"
}

# pg_url PORT DB
pg_url() { echo "postgres://postgres@127.0.0.1:$1/$2"; }

# pg_create_db PORT DB: creates DB if it does not exist.
pg_create_db() {
  local port="$1" db="$2" bin
  bin="$(pg_bin_dir)"
  if [[ "$("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc \
    "select 1 from pg_database where datname = '$db'")" != 1 ]]; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
  fi
}
