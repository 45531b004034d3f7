#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring: a real Secret Service,
# the same one a Linux desktop has, but isolated from the user's own keyring (fresh data folder per run).
set -euo pipefail

if [ -n "${LIFESCORE_PRIVATE_KEYRING:-}" ]; then
  exec "$@"
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-keyring: '$tool' is missing. Install Debian's packages: apt-get install dbus gnome-keyring" >&2
    exit 1
  fi
done

# LIFESCORE_KEYRING_DIR keeps the keyring between runs (npm start on a desktop-less machine); tests use a fresh one.
if [ -n "${LIFESCORE_KEYRING_DIR:-}" ]; then
  mkdir -p "$LIFESCORE_KEYRING_DIR"
  keyring_home=$(cd "$LIFESCORE_KEYRING_DIR" && pwd)
else
  keyring_home=$(mktemp -d -t lifescore-keyring.XXXXXX)
  trap 'rm -rf "$keyring_home"' EXIT
fi
export LIFESCORE_PRIVATE_KEYRING="$keyring_home"

dbus-run-session -- bash -c '
  set -euo pipefail
  # The daemon keeps its keyrings under XDG_DATA_HOME; only the daemon sees the temporary HOME.
  printf "%s" "lifescore-test-keyring" | HOME="$LIFESCORE_PRIVATE_KEYRING" XDG_DATA_HOME="$LIFESCORE_PRIVATE_KEYRING/data" \
    gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"
' with-keyring "$@"
