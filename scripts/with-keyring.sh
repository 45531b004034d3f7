#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring: a real Secret Service,
# the same one a Linux desktop has, but isolated from the user's own keyring (fresh data folder per run).
set -euo pipefail

if [ -n "${LIFESCORE_PRIVATE_KEYRING:-}" ]; then
  exec "$@"
fi
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
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

# The system's session bus config lists the standard service folders, so a call made while our daemon is down
# makes D-Bus start the distribution's gnome-keyring with the real HOME: a locked default keyring nobody can unlock
# here, and every keychain call after it fails far from the cause (one CI run lost its last three e2e tests so).
# This bus has no service folders: the only Secret Service on it is the one below.
bus_config="$keyring_home/session-bus.conf"
cat >"$bus_config" <<'XML'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
XML

dbus-run-session --config-file="$bus_config" -- bash -c '
  set -uo pipefail
  log="$LIFESCORE_PRIVATE_KEYRING/daemon.log"
  # The daemon runs in the foreground under this loop, so its exit is seen, said and repaired at once: it comes
  # back on the same data folder with the same password, so what the run stored is still there and unlocked.
  (
    while :; do
      printf "%s" "lifescore-test-keyring" | HOME="$LIFESCORE_PRIVATE_KEYRING" \
        XDG_DATA_HOME="$LIFESCORE_PRIVATE_KEYRING/data" \
        gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>>"$log"
      status=$?
      {
        echo "with-keyring: gnome-keyring-daemon exited (status $status) at $(date -u +%H:%M:%S) UTC while the command ran; restarting it on the same unlocked keyring."
        tail -n 5 "$log" 2>/dev/null | sed "s/^/with-keyring:   /"
      } >&2
      sleep 0.2
    done
  ) &
  supervisor=$!

  owned() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"
  }
  for _ in $(seq 100); do owned && break; sleep 0.1; done
  if ! owned; then
    echo "with-keyring: gnome-keyring-daemon did not take org.freedesktop.secrets on the private bus within 10 s:" >&2
    tail -n 20 "$log" >&2 2>/dev/null
    kill "$supervisor" 2>/dev/null
    exit 1
  fi

  "$@"
  status=$?
  # Stop the loop first: the daemon itself exits when dbus-run-session closes the bus.
  kill "$supervisor" 2>/dev/null
  exit $status
' with-keyring "$@"
