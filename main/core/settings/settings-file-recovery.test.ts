import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfSettingsStore } from './conf-settings';
import { backupPathOf, recoverSettingsFile } from './settings-file-recovery';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lifescore-settings-'));
  file = join(dir, 'config.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const good = {
  settings: { relayUrl: 'https://relay.example.com' },
  records: { 'calcom.integration': { isConnected: true } },
};

describe('recoverSettingsFile', () => {
  it('does nothing without a file, and backs a good file up', () => {
    expect(recoverSettingsFile(file)).toEqual({ outcome: 'missing' });
    writeFileSync(file, JSON.stringify(good));
    expect(recoverSettingsFile(file)).toEqual({ outcome: 'ok' });
    expect(JSON.parse(readFileSync(backupPathOf(file), 'utf8'))).toEqual(good);
  });

  it('restores the last good copy over a damaged file and keeps the damaged one for support', () => {
    writeFileSync(file, JSON.stringify(good));
    recoverSettingsFile(file);
    writeFileSync(file, '{"settings": {"relayUrl": "https://rel'); // a write cut short
    const result = recoverSettingsFile(file, () => new Date('2026-12-02T10:00:00Z'));
    expect(result).toMatchObject({
      outcome: 'restored',
      message: expect.stringContaining('restored the last good copy'),
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(good);
    expect(readdirSync(dir)).toContain('config.json.damaged-2026-12-02T10-00-00-000Z');
  });

  it('moves a damaged file aside and says so when there is no good copy', () => {
    writeFileSync(file, '\u0000\u0000\u0000');
    const result = recoverSettingsFile(file);
    expect(result).toMatchObject({ outcome: 'reset', message: expect.stringContaining('default settings') });
    expect(existsSync(file)).toBe(false);
  });

  it('the browser host keeps the connection records of a recovered file (conf no longer clears them)', () => {
    writeFileSync(file, JSON.stringify(good));
    createConfSettingsStore({ cwd: dir, defaultRelayUrl: 'http://127.0.0.1:5001' });
    writeFileSync(file, '{not json');
    const store = createConfSettingsStore({ cwd: dir, defaultRelayUrl: 'http://127.0.0.1:5001' });
    expect(store.readRecord('calcom.integration')).toEqual({ isConnected: true });
  });
});
