# shellcheck shell=bash
# Starting the release shop for the tests and benchmarks (part of scripts/lib.sh; sourced, never run).

# start_shop MODE PORT DB TMP [BASE_URL]
#   Starts the release server ($SERVER_BIN, or the one the build made) in the background on
#   127.0.0.1:PORT against the database URL DB, with its media, downloads and log (TMP/server.log,
#   appended to) under TMP, and waits until /readyz answers (SHOP_READY_TIMEOUT seconds, 180 by
#   default: a first start seeds the demo catalog when the caller exports APP_SEED_DEMO=true).
#   MODE is the server's `env`: development, test or production. Production gets fresh secrets
#   (it refuses the development ones), BASE_URL (https; by default https://127.0.0.1:PORT) and the
#   staging switches the benches need. Other settings come from APP_* variables the caller exports.
#   Sets SHOP_PID and SHOP_URL; returns non-zero (having shown the log's tail) if it never answered.
start_shop() {
  local mode="$1" port="$2" db="$3" tmp="$4" base_url="${5:-https://127.0.0.1:$2}"
  mkdir -p "$tmp/media"
  (
    cd "$ROOT" || exit 1
    APP_SITE_ROOT="$(site_dir)"
    export APP_SITE_ROOT LEPTOS_SITE_ROOT="$APP_SITE_ROOT" LEPTOS_SITE_ADDR="127.0.0.1:$port"
    export APP_DATABASE_URL="$db" APP_LISTEN="127.0.0.1:$port" APP_ENV="$mode"
    export APP_MEDIA_DIR="$tmp/media" APP_DOWNLOADS__LOCAL_DIR="$tmp/downloads"
    if [[ "$mode" == production ]]; then
      export APP_BASE_URL="$base_url"
      export APP_STAGING__ALLOW_TEST_PAYMENTS=true APP_STAGING__ALLOW_DEMO_DATA=true APP_STAGING__ALLOW_DEV_MAILBOX=true
      local webhook key fingerprint signing
      webhook="whsec_bench_$(date +%s%N)"
      key="$(head -c 32 /dev/urandom | base64)"
      fingerprint="bench-$(head -c 24 /dev/urandom | base64)"
      signing="bench-$(head -c 32 /dev/urandom | base64)"
      export APP_ORDERS__WEBHOOK_SECRETS="[\"$webhook\"]" APP_LICENSES__ENCRYPTION_KEYS="[\"1:$key\"]"
      export APP_LICENSES__FINGERPRINT_SECRET="$fingerprint" APP_DOWNLOADS__SIGNING_SECRET="$signing"
    fi
    exec "${SERVER_BIN:-$(server_bin)}"
  ) >>"$tmp/server.log" 2>&1 &
  SHOP_PID=$!
  SHOP_URL="http://127.0.0.1:$port"
  export SHOP_PID SHOP_URL
  wait_ready "$SHOP_URL/readyz" "$SHOP_PID" "${SHOP_READY_TIMEOUT:-180}" "$tmp/server.log" &&
    check_site_assets "$SHOP_URL"
}

# check_site_assets URL: the home page's JS and WASM answer 200. A server built without the
# LEPTOS_* variables cargo-leptos sets asks for files the site does not have, and every island on
# every page is dead; nothing is measured or tested on such a build.
check_site_assets() {
  local url="$1" page asset status
  local assets=()
  page="$(curl -s --max-time 30 "$url/")" || true
  mapfile -t assets < <(grep -oE '/pkg/[A-Za-z0-9._-]+\.(js|wasm)' <<<"$page" | sort -u)
  if ((${#assets[@]} < 2)); then
    warn "the home page at $url names no /pkg JS and WASM"
    return 1
  fi
  for asset in "${assets[@]}"; do
    status="$(http_status "$url$asset")"
    if [[ "$status" != 200 ]]; then
      warn "$url$asset answers $status, not 200: the server and the site come from different builds (build both with leptos_build_release)"
      return 1
    fi
  done
}
