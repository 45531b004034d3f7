import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The real adapter against a real Secret Service: gnome-keyring-daemon inside a private D-Bus session with a
 * throw-away HOME, so the developer's own keyring is never touched. CI installs gnome-keyring and dbus; a machine
 * without them fails here on purpose rather than skipping.
 */
const root = resolve(__dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const probe = join(root, 'tests/support/app/keychain-probe.ts');
const temp = mkdtempSync(join(tmpdir(), 'lifescore-keyring-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface Step {
  step: string;
  ok: boolean;
  value?: unknown;
  code?: string;
  message?: string;
}

function which(cmd: string): Promise<boolean> {
  return new Promise((done) => execFile('sh', ['-c', `command -v ${cmd}`], (err) => done(!err)));
}

async function requireTools(): Promise<void> {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
    if (!(await which(tool))) {
      throw new Error(
        `${tool} is not installed: the keychain tests need a real Secret Service (apt-get install dbus gnome-keyring).`,
      );
    }
  }
}

function runSession(args: string[], script: string, home: string): Promise<Step[]> {
  return new Promise((done, fail) => {
    execFile(
      'dbus-run-session',
      [...args, '--', 'bash', '-c', script],
      {
        cwd: root,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          XDG_DATA_HOME: join(home, 'data'),
          XDG_RUNTIME_DIR: home,
          XDG_CONFIG_HOME: join(home, 'config'),
        },
      },
      (err, stdout, stderr) => {
        const steps = stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Step);
        if (steps.length === 0) fail(new Error(`probe printed nothing (${String(err)}): ${stderr.slice(-2000)}`));
        else done(steps);
      },
    );
  });
}

const byStep = (steps: Step[]) => Object.fromEntries(steps.map((s) => [s.step, s]));

describe('createNapiKeychain (real Secret Service)', () => {
  it('sets, gets, overwrites and deletes through gnome-keyring', async () => {
    await requireTools();
    const home = mkdtempSync(join(temp, 'home-'));
    const script = `echo lifescore-test-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "${tsx}" "${probe}" 'LifeScore Consultant Test'`;
    const s = byStep(await runSession([], script, home));
    expect(s['get-empty']).toEqual({ step: 'get-empty', ok: true, value: null });
    expect(s['set']?.ok).toBe(true);
    expect(s['get']?.value).toBe('r-1 ünïcødé');
    expect(s['get-again']?.value).toBe('r-2');
    expect(s['other-account']?.value).toBeNull();
    expect(s['delete']?.value).toBe(true);
    expect(s['delete-again']?.value).toBe(false);
    expect(s['get-deleted']?.value).toBeNull();
  });

  it('fails visibly with keychain_unavailable when no Secret Service exists (no silent keyutils fallback)', async () => {
    await requireTools();
    const home = mkdtempSync(join(temp, 'home-'));
    // A bus without service activation: nothing can provide org.freedesktop.secrets.
    const conf = join(home, 'bus.conf');
    writeFileSync(
      conf,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${home}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`,
    );
    const steps = await runSession([`--config-file=${conf}`], `"${tsx}" "${probe}" 'LifeScore Consultant Test'`, home);
    expect(steps).toHaveLength(9);
    for (const step of steps) {
      expect(step).toMatchObject({ ok: false, code: 'keychain_unavailable' });
      expect(step.message).toMatch(/Secret Service keyring/);
    }
  });
});
