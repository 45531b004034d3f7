import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../store/sqlite-migrations';
import { createSqliteProfileStore } from '../profile/sqlite-profile-store';
import { createSqliteOutboxStore } from './sqlite-outbox-store';

// Claiming, leases, retries and forgetting are the shared contract (store/outbox-store-contract.ts), run on SQLite by
// store/sqlite-module-stores.test.ts; this file keeps what is SQLite-only: living beside the relay's schema.
describe('SQLite outbox store', () => {
  it('lives beside the relay event log in one file without touching its schema version', () => {
    const db = new Database(':memory:');
    migrate(db);
    const version = db.pragma('user_version', { simple: true });
    createSqliteOutboxStore(db);
    createSqliteProfileStore(db);
    createSqliteOutboxStore(db); // idempotent
    expect(db.pragma('user_version', { simple: true })).toBe(version);
    migrate(db); // and the relay still opens it
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['mail_job', 'mail_schema_version', 'profile_profiles', 'profile_schema_version', 'events', 'channels']));
  });

  it('refuses a newer schema than it knows', () => {
    const db = new Database(':memory:');
    createSqliteOutboxStore(db);
    db.exec('UPDATE mail_schema_version SET version = 99');
    expect(() => createSqliteOutboxStore(db)).toThrow(/newer than this relay/);
  });
});
