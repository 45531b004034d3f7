import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBakedConfig } from './baked-config';
import { checkReleaseConfig, releaseBuildRefusal } from './release-config';
import { resolveAppConfig } from './resolve-config';

const release = {
  CALCOM_CLIENT_ID: 'lifescore-prod-123',
  CALCOM_APP_URL: 'https://app.cal.com',
  CALCOM_API_URL: 'https://api.cal.com/',
  CALCOM_REDIRECT_URI: 'https://relay.lifescore.example/oauth/calcom/callback',
  RELAY_URL: 'https://relay.lifescore.example',
};
const base = { sandboxRelayUrl: 'http://127.0.0.1:5001', version: '1.0.0' };

describe('release configuration', () => {
  it('accepts https values, loopback http and the lifescore:// redirect', () => {
    expect(checkReleaseConfig(release)).toMatchObject({ ok: true });
    expect(
      checkReleaseConfig({
        ...release,
        RELAY_URL: 'http://127.0.0.1:5001',
        CALCOM_REDIRECT_URI: 'lifescore://calcom/callback',
      }),
    ).toMatchObject({ ok: true });
  });

  it('names every missing value, and refuses plain http to other hosts', () => {
    const missing = checkReleaseConfig({ CALCOM_CLIENT_ID: ' ' });
    expect(missing.ok).toBe(false);
    if (!missing.ok)
      expect(missing.problems).toEqual([
        'CALCOM_CLIENT_ID is missing',
        'CALCOM_APP_URL is missing',
        'CALCOM_API_URL is missing',
        'CALCOM_REDIRECT_URI is missing',
        'RELAY_URL is missing',
      ]);
    const http = checkReleaseConfig({
      ...release,
      RELAY_URL: 'http://relay.lifescore.example',
      CALCOM_API_URL: 'http://api.cal.com',
    });
    expect(http.ok).toBe(false);
    if (!http.ok)
      expect(http.problems.join('\n')).toMatch(
        /CALCOM_API_URL must be an https URL[\s\S]*RELAY_URL must be an https URL/,
      );
    expect(checkReleaseConfig({ ...release, CALCOM_REDIRECT_URI: 'javascript:alert(1)' }).ok).toBe(false);
    expect(releaseBuildRefusal(['RELAY_URL is missing'])).toContain('Refusing to build a release');
  });

  it('a packaged app uses the baked values and ignores the environment', () => {
    const resolved = resolveAppConfig({
      ...base,
      env: { CALCOM_CLIENT_ID: 'from-env', RELAY_URL: 'http://evil.example' },
      baked: { kind: 'baked', ...checkReleaseConfig(release) },
      envOverrides: false,
      production: true,
    });
    expect(resolved).toMatchObject({
      kind: 'ready',
      source: 'baked',
      config: {
        clientId: 'lifescore-prod-123',
        calcomApiUrl: 'https://api.cal.com',
        keychainService: 'LifeScore Consultant',
      },
    });
  });

  it('a packaged app without baked values opens on the setup screen instead of failing', () => {
    expect(
      resolveAppConfig({ ...base, env: {}, baked: { kind: 'none' }, envOverrides: false, production: true }),
    ).toEqual({
      kind: 'setup',
      problems: [
        'CALCOM_CLIENT_ID is missing',
        'CALCOM_APP_URL is missing',
        'CALCOM_API_URL is missing',
        'CALCOM_REDIRECT_URI is missing',
        'RELAY_URL is missing',
      ],
    });
    expect(
      resolveAppConfig({
        ...base,
        env: {},
        baked: { kind: 'baked', ok: false, problems: ['the baked configuration is not valid JSON'] },
        envOverrides: false,
        production: true,
      }),
    ).toMatchObject({ kind: 'setup' });
  });

  it('in development the environment overrides baked values, and the sandbox is the fallback', () => {
    const baked = { kind: 'baked', ...checkReleaseConfig(release) } as const;
    expect(
      resolveAppConfig({
        ...base,
        env: { RELAY_URL: 'http://127.0.0.1:6001' },
        baked,
        envOverrides: true,
        sandboxUrl: 'http://127.0.0.1:5555',
        production: false,
      }),
    ).toMatchObject({
      kind: 'ready',
      source: 'environment',
      config: { relayUrl: 'http://127.0.0.1:6001', clientId: 'lifescore-prod-123' },
    });
    expect(
      resolveAppConfig({
        ...base,
        env: {},
        baked: { kind: 'none' },
        envOverrides: true,
        sandboxUrl: 'http://127.0.0.1:5555',
        production: false,
      }),
    ).toMatchObject({
      kind: 'ready',
      source: 'sandbox',
      config: { clientId: 'lifescore-desktop', calcomApiUrl: 'http://127.0.0.1:5555' },
    });
  });

  it('reads the baked file: missing is a development build, damaged is reported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifescore-baked-'));
    try {
      expect(readBakedConfig(join(dir, 'release-config.json'))).toEqual({ kind: 'none' });
      writeFileSync(join(dir, 'release-config.json'), '{"CALCOM_CLIENT_ID": "x"');
      expect(readBakedConfig(join(dir, 'release-config.json'))).toMatchObject({ kind: 'baked', ok: false });
      writeFileSync(join(dir, 'release-config.json'), JSON.stringify(release));
      expect(readBakedConfig(join(dir, 'release-config.json'))).toMatchObject({ kind: 'baked', ok: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
