import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../crypto';
import { openSqliteStore } from './sqlite-store';
import { describeRelayStore } from './store-contract';
import type { RelayStore } from './types';

const dirs: string[] = [];
const stores: RelayStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});
afterAll(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function newFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-store-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'relay.sqlite');
}
function open(file = newFile()): { store: RelayStore; file: string } {
  const store = openSqliteStore(file);
  stores.push(store);
  return { store, file };
}

describeRelayStore('SQLite', () => {
  const file = newFile();
  return Promise.resolve({ store: openSqliteStore(file), sibling: () => Promise.resolve(openSqliteStore(file)) });
});

describe('SQLite relay store (engine specifics)', () => {
  it('creates the schema with WAL and synchronous=FULL, and reopens without re-migrating', async () => {
    const { store, file } = open();
    await store.createChannel({ id: 'a'.repeat(24), tokenHash: hashToken('t'), createdAt: 1 });
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
    const again = open(file).store;
    expect((await again.getChannel('a'.repeat(24)))?.tokenHash.equals(hashToken('t'))).toBe(true);
  });

  it('refuses a database from a newer relay', async () => {
    const { store, file } = open();
    await store.close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openSqliteStore(file)).toThrow(/newer than this relay/);
  });

  it('is private to its process: no cross-instance wake-up machinery', () => {
    expect(open().store.shared).toBeUndefined();
  });
});
