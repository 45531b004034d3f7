import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../common/settings';
import type { SettingsStore } from '../ports';
import { createConfSettingsStore } from './conf-settings';
import { createMemorySettingsStore } from './memory-settings';

const dir = mkdtempSync(join(tmpdir(), 'lifescore-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stores: Array<[string, () => SettingsStore]> = [
  ['memory', () => createMemorySettingsStore(undefined, 'http://127.0.0.1:5001')],
  [
    'conf',
    () => createConfSettingsStore({ cwd: mkdtempSync(join(dir, 'c-')), defaultRelayUrl: 'http://127.0.0.1:5001' }),
  ],
];

describe.each(stores)('%s settings store', (_name, make) => {
  it('starts with defaults and round-trips settings', () => {
    const s = make();
    expect(s.read()).toEqual(defaultSettings('http://127.0.0.1:5001'));
    const next = { ...s.read(), notifications: false, services: { 30: true, 60: false, 90: true } };
    s.write(next);
    expect(s.read()).toEqual(next);
  });

  it('keeps records under dotted keys and deletes them with undefined', () => {
    const s = make();
    s.writeRecord('calcom.integration', { isConnected: true, eventTypes: [{ id: 1 }] });
    s.writeRecord('calcom.pendingCleanup', { webhookId: 'w' });
    expect(s.readRecord('calcom.integration')).toEqual({ isConnected: true, eventTypes: [{ id: 1 }] });
    s.writeRecord('calcom.integration', undefined);
    expect(s.readRecord('calcom.integration')).toBeUndefined();
    expect(s.readRecord('calcom.pendingCleanup')).toEqual({ webhookId: 'w' });
  });
});

describe('createConfSettingsStore', () => {
  it('persists to config.json in the folder, readable by a second instance', () => {
    const cwd = mkdtempSync(join(dir, 'p-'));
    const a = createConfSettingsStore({ cwd, defaultRelayUrl: 'http://127.0.0.1:5001' });
    a.write({ ...a.read(), relayEmails: false });
    a.writeRecord('calcom.integration', { username: 'dana-reyes' });
    const b = createConfSettingsStore({ cwd, defaultRelayUrl: 'http://127.0.0.1:5001' });
    expect(b.read().relayEmails).toBe(false);
    expect(b.readRecord('calcom.integration')).toEqual({ username: 'dana-reyes' });
    expect(JSON.parse(readFileSync(join(cwd, 'config.json'), 'utf8'))).toHaveProperty([
      'records',
      'calcom.integration',
    ]);
  });
});

describe('createConfSettingsStore forgiveness', () => {
  it('merges an older file over the defaults and falls back on invalid values', async () => {
    const { writeFileSync } = await import('node:fs');
    const cwd = mkdtempSync(join(dir, 'f-'));
    writeFileSync(
      join(cwd, 'config.json'),
      JSON.stringify({ settings: { relayUrl: 'https://relay.example.com', notifications: false }, records: {} }),
    );
    const s = createConfSettingsStore({ cwd, defaultRelayUrl: 'http://127.0.0.1:5001' });
    expect(s.read()).toMatchObject({
      relayUrl: 'https://relay.example.com',
      notifications: false,
      services: { 30: true, 60: true, 90: true },
    });
    writeFileSync(join(cwd, 'config.json'), JSON.stringify({ settings: { relayUrl: 'not a url' }, records: {} }));
    expect(createConfSettingsStore({ cwd, defaultRelayUrl: 'http://127.0.0.1:5001' }).read().relayUrl).toBe(
      'http://127.0.0.1:5001',
    );
  });
});
