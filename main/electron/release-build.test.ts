import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBakedConfig } from '../core/config/baked-config';
import { resolveAppConfig } from '../core/config/resolve-config';
import { runBrowserHost } from '../host/run-host';

/**
 * Issue 17: `npm run build:release` bakes the Cal.com client and relay into the build, refuses to build without
 * them or with plain http to a non-loopback host; the built app reads the baked values (the Electron glue's reader
 * and resolver, and the browser host on the same file).
 */
const root = resolve(import.meta.dirname, '../..');
const values = {
  CALCOM_CLIENT_ID: 'release-test-client-7f3a',
  CALCOM_APP_URL: 'https://cal.release-test.example',
  CALCOM_API_URL: 'https://api.release-test.example',
  CALCOM_REDIRECT_URI: 'https://relay.release-test.example/oauth/calcom/callback',
  RELAY_URL: 'https://relay.release-test.example',
};
let out: string;

function buildRelease(env: Record<string, string>, outDir: string) {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !(k in values)) clean[k] = v;
  return spawnSync(
    process.execPath,
    [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--mode', 'release'],
    {
      cwd: root,
      env: { ...clean, ...env, LIFESCORE_BUILD_OUT: outDir },
      encoding: 'utf8',
    },
  );
}

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'lifescore-release-'));
  const result = buildRelease(values, out);
  if (result.status !== 0) throw new Error(`release build failed:\n${result.stderr}`);
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('release build', () => {
  it('bakes the values next to the main bundle, and the glue resolves them for a packaged app', () => {
    expect(JSON.parse(readFileSync(join(out, 'main/release-config.json'), 'utf8'))).toEqual(values);
    const resolved = resolveAppConfig({
      env: {},
      baked: readBakedConfig(join(out, 'main/release-config.json')),
      envOverrides: false,
      sandboxRelayUrl: 'x',
      version: '1.0.0',
      production: true,
    });
    expect(resolved).toMatchObject({
      kind: 'ready',
      source: 'baked',
      config: { clientId: values.CALCOM_CLIENT_ID, relayUrl: values.RELAY_URL },
    });
  });

  it('the main entry loads no native module at the top: only the lazily imported chunks do', () => {
    const entry = readFileSync(join(out, 'main/index.js'), 'utf8');
    const staticImports = [...entry.matchAll(/^import\s[^;]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]);
    for (const native of ['better-sqlite3', '@napi-rs/keyring', 'electron-store'])
      expect(staticImports).not.toContain(native);
    expect(entry).toMatch(/import\(["']\.\/[^"']+\.js["']\)/);
  });

  it('refuses to build without the values, naming each, and refuses plain http to a non-loopback host', () => {
    const empty = mkdtempSync(join(tmpdir(), 'lifescore-release-refused-'));
    try {
      const none = buildRelease({}, empty);
      expect(none.status).not.toBe(0);
      expect(none.stderr).toContain('Refusing to build a release');
      expect(none.stderr).toContain('CALCOM_CLIENT_ID is missing');
      const http = buildRelease({ ...values, RELAY_URL: 'http://relay.release-test.example' }, empty);
      expect(http.status).not.toBe(0);
      expect(http.stderr).toContain('RELAY_URL must be an https URL');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 60_000);

  it('the browser host starts on the baked values', async () => {
    const data = mkdtempSync(join(tmpdir(), 'lifescore-release-host-'));
    const opened: string[] = [];
    const running = await runBrowserHost({
      root,
      env: {
        LIFESCORE_CONFIG: 'release',
        LIFESCORE_RELEASE_CONFIG_FILE: join(out, 'main/release-config.json'),
        LIFESCORE_KEYCHAIN: 'memory',
        LIFESCORE_DATA_DIR: data,
        LIFESCORE_RENDERER_DIR: join(out, 'renderer'),
      },
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      openExternal: async (url) => void opened.push(url),
    });
    try {
      expect(await running.core.handlers.getSetupStatus({})).toEqual({ configured: true });
      await running.core.handlers.setServices({ 30: true, 60: false, 90: false }).catch(() => undefined);
      const { authorizeUrl } = await running.core.handlers.connect({});
      const url = new URL(authorizeUrl);
      expect(url.origin).toBe(values.CALCOM_APP_URL);
      expect(url.searchParams.get('client_id')).toBe(values.CALCOM_CLIENT_ID);
      expect(url.searchParams.get('redirect_uri')).toBe(values.CALCOM_REDIRECT_URI);
      const page = await fetch(running.host.url);
      expect(page.status).toBe(200);
    } finally {
      await running.stop();
      rmSync(data, { recursive: true, force: true });
    }
  });
});
