# shellcheck shell=bash
# Starting the shop for benchmarks (part of scripts/lib.sh; sourced, never run).
# production refuses the development ones); its log is TMP/server.log. Sets SHOP_PID.
start_production_shop() {
  local port="$1" db="$2" base_url="$3" tmp="$4" webhook key fingerprint signing
  webhook="whsec_bench_$(date +%s%N)"
  key="$(head -c 32 /dev/urandom | base64)"
  fingerprint="bench-$(head -c 24 /dev/urandom | base64)"
  signing="bench-$(head -c 32 /dev/urandom | base64)"
  (
    cd "$ROOT" || exit 1
    APP_SITE_ROOT="$(site_dir)"
    export APP_SITE_ROOT APP_DATABASE_URL="$db" APP_SEED_DEMO=true APP_MEDIA_DIR="$tmp/media"
    export APP_LISTEN="127.0.0.1:$port" APP_ENV=production APP_BASE_URL="$base_url" RUST_LOG=warn
    export APP_STAGING__ALLOW_TEST_PAYMENTS=true APP_STAGING__ALLOW_DEMO_DATA=true APP_STAGING__ALLOW_DEV_MAILBOX=true
    export APP_ORDERS__WEBHOOK_SECRETS="[\"$webhook\"]" APP_LICENSES__ENCRYPTION_KEYS="[\"1:$key\"]"
    export APP_LICENSES__FINGERPRINT_SECRET="$fingerprint" APP_DOWNLOADS__SIGNING_SECRET="$signing"
    export APP_DOWNLOADS__LOCAL_DIR="$tmp/downloads"
    exec "$(server_bin)"
  ) >"$tmp/server.log" 2>&1 &
  SHOP_PID=$! # read by the caller
  export SHOP_PID
}
