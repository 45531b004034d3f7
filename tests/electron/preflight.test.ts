import { describe, expect, it } from 'vitest';
import { electronPreflight, keychainMissingMessage, nativeModuleMessage } from './preflight';

describe('Electron smoke preflight', () => {
  const installed = { ok: true, path: '/work/main/node_modules/electron/dist/electron' } as const;

  it('fails plainly, naming the reason, when Electron is not installed', () => {
    const result = electronPreflight({
      binary: { ok: false, reason: 'the Electron binary is not installed' },
      platform: 'linux',
      env: { DISPLAY: ':0' },
      isRoot: false,
    });
    expect(result).toEqual({
      ok: false,
      message: 'Electron is not installed here: the Electron binary is not installed; these tests did not run.',
    });
  });

  it('fails plainly on Linux without a display, pointing at xvfb-run', () => {
    const result = electronPreflight({ binary: installed, platform: 'linux', env: {}, isRoot: false });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('xvfb-run') });
    expect(result.ok || result.message.endsWith('these tests did not run.')).toBe(true);
  });

  it('runs with a display (X11 or Wayland), and on macOS and Windows without one', () => {
    expect(
      electronPreflight({ binary: installed, platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' }, isRoot: false }),
    ).toEqual({ ok: true, executablePath: installed.path, switches: ['--no-sandbox'] });
    expect(electronPreflight({ binary: installed, platform: 'darwin', env: {}, isRoot: false }).ok).toBe(true);
    expect(electronPreflight({ binary: installed, platform: 'win32', env: {}, isRoot: false }).ok).toBe(true);
  });

  it('turns Chromium’s sandbox off as root and on Linux (as Playwright does for the first instance), not elsewhere', () => {
    expect(
      electronPreflight({ binary: installed, platform: 'linux', env: { DISPLAY: ':99' }, isRoot: true }),
    ).toMatchObject({ switches: ['--no-sandbox'] });
    expect(electronPreflight({ binary: installed, platform: 'darwin', env: {}, isRoot: false })).toMatchObject({
      switches: [],
    });
    expect(electronPreflight({ binary: installed, platform: 'win32', env: {}, isRoot: false })).toMatchObject({
      switches: [],
    });
  });

  it('names the private keyring wrapper when Linux has no Secret Service', () => {
    expect(keychainMissingMessage('linux', 'no org.freedesktop.secrets')).toContain(
      'scripts/with-keyring.sh npm run test:electron',
    );
    expect(keychainMissingMessage('darwin', 'locked')).toMatch(/did not run\.$/);
  });

  it('names the rebuild when better-sqlite3 is built for Node, not Electron', () => {
    const stderr = [
      "Error: The module '/work/main/node_modules/better-sqlite3/build/Release/better_sqlite3.node'",
      'was compiled against a different Node.js version using',
      'NODE_MODULE_VERSION 115. This version of Node.js requires',
      'NODE_MODULE_VERSION 140. Please try re-compiling or re-installing',
    ].join('\n');
    const message = nativeModuleMessage(stderr);
    expect(message).toContain('NODE_MODULE_VERSION 115');
    expect(message).toContain('npm run rebuild:electron');
    expect(message).toMatch(/these tests did not run\.$/);
    expect(nativeModuleMessage('')).toContain('(no output)');
  });
});
