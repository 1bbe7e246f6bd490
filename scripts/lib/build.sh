# shellcheck shell=bash
# Build outputs: the release build, the server binary, the site (part of scripts/lib.sh; sourced, never run).
# ---------------------------------------------------------------------------
# Build outputs

# leptos_build_release [BIN...]: the server binary and the site (WASM, CSS, assets) in release
# mode, with .br/.gz copies of the static files next to them (the server serves those when
# present). --split: the staff pages' lazy islands go into their own WASM chunks, fetched only where
# they are used. BINs (bench drivers of the server package) are built in the same cargo call, with
# the LEPTOS_* variables cargo-leptos sets: a plain `cargo build` sets none, so it recompiles nearly
# everything and leaves a server whose pages ask for a WASM file the site does not have.
# shellcheck disable=SC2120 # (the bench scripts pass BINs)
leptos_build_release() {
  local args=() bin
  for bin in "$@"; do args+=("--bin-cargo-args=--bin=$bin"); done
  (cd "$ROOT" && cargo leptos build --release --precompress --split "${args[@]}")
}

# build_server_unless_skipped: the release server and site, unless SKIP_BUILD=1 (the caller built them).
build_server_unless_skipped() {
  if [[ "${SKIP_BUILD:-}" != 1 ]]; then
    info "building the server and site (release)"
    leptos_build_release >/dev/null
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
