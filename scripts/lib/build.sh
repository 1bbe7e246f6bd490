# shellcheck shell=bash
# Build outputs: the release build, the server binary, the site (part of scripts/lib.sh; sourced, never run).
# ---------------------------------------------------------------------------
# Build outputs

# Builds the server binary and the site (WASM, CSS, assets) in release mode, with .br/.gz
# copies of the static files next to them (the server serves those when present). --split: the
# staff pages' lazy islands go into their own WASM chunks, fetched only where they are used.
leptos_build_release() {
  (cd "$ROOT" && cargo leptos build --release --precompress --split)
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
