# shellcheck shell=bash
# Messages, root, quiet logs (part of scripts/lib.sh; sourced, never run).
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
