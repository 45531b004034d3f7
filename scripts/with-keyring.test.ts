import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * scripts/with-keyring.sh against the real gnome-keyring and D-Bus: the keychain every test and `npm start` on a
 * desktop-less machine relies on. The run itself happens inside one already (npm test), so the child is told it
 * is not, and starts its own private bus and daemon.
 */
const root = resolve(__dirname, '..');
const tsx = join(root, 'node_modules/.bin/tsx');
const value = join(root, 'tests/support/app/keychain-value.ts');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function withKeyring(script: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, TSX: tsx, PROBE: value };
  delete env.LIFESCORE_PRIVATE_KEYRING;
  delete env.LIFESCORE_KEYRING_DIR;
  delete env.DBUS_SESSION_BUS_ADDRESS;
  return new Promise((done) => {
    execFile(
      'bash',
      [join(root, 'scripts/with-keyring.sh'), 'bash', '-c', script],
      { cwd: root, env, timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

// The PID that owns the Secret Service name on this run's private bus (never another run's daemon).
const OWNER_PID = `dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '{print $2}'`;

describe('scripts/with-keyring.sh (real D-Bus, real gnome-keyring)', () => {
  it('hands back the command’s exit status', async () => {
    const run = await withKeyring('exit 7');
    expect(run.code).toBe(7);
  });

  it('a daemon that dies mid-run comes back on the same unlocked keyring, and the run says so', async () => {
    const script = [
      'set -eu',
      '"$TSX" "$PROBE" set "with-keyring test" account "kept across a restart"',
      `first=$(${OWNER_PID})`,
      'kill -TERM "$first"',
      // Until the replacement owns the name, a call fails (there is nothing to activate instead).
      `for _ in $(seq 100); do now=$(${OWNER_PID} 2>/dev/null || true); [ -n "$now" ] && [ "$now" != "$first" ] && break; sleep 0.1; done`,
      'echo "restarted: $first -> $now"',
      '"$TSX" "$PROBE" get "with-keyring test" account',
    ].join('\n');
    const run = await withKeyring(script);
    expect(run.stderr).toMatch(
      /with-keyring: gnome-keyring-daemon exited \(status \d+\) at .* restarting it on the same unlocked keyring/,
    );
    expect(run.stdout).toMatch(/restarted: \d+ -> \d+/);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(JSON.stringify('kept across a restart'));
    expect(run.code).toBe(0);
  });

  it('offers no other Secret Service to activate: a lost daemon cannot be replaced by a locked default keyring', async () => {
    const run = await withKeyring(
      'dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListActivatableNames',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('org.freedesktop.DBus');
    expect(run.stdout).not.toContain('org.freedesktop.secrets');
  });
});
