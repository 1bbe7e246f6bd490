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

# The helpers, one file per concern.
# shellcheck source=lib/messages.sh
source "$ROOT/scripts/lib/messages.sh"
# shellcheck source=lib/tools.sh
source "$ROOT/scripts/lib/tools.sh"
# shellcheck source=lib/build.sh
source "$ROOT/scripts/lib/build.sh"
# shellcheck source=lib/net.sh
source "$ROOT/scripts/lib/net.sh"
# shellcheck source=lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
# shellcheck source=lib/shop.sh
source "$ROOT/scripts/lib/shop.sh"
# shellcheck source=lib/bench.sh
source "$ROOT/scripts/lib/bench.sh"
# shellcheck source=lib/proxy.sh
source "$ROOT/scripts/lib/proxy.sh"
