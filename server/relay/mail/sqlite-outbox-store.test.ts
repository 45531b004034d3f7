import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../store/sqlite-migrations';
import { createSqliteProfileStore } from '../profile/sqlite-profile-store';
import type { NewOutboxItem } from './outbox-store';
import { createSqliteOutboxStore } from './sqlite-outbox-store';

const item = (key: string, createdAt = 1000): NewOutboxItem => ({
  key, channelId: 'c', kind: 'created:attendee', createdAt,
  message: { to: { name: 'Sam', address: 'sam@example.net' }, subject: 's', text: 't', html: 'h' },
});

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
    expect(tables).toEqual(expect.arrayContaining(['mail_outbox', 'mail_schema_version', 'profile_profiles', 'profile_schema_version', 'events', 'channels']));
  });

  it('refuses a newer schema than it knows', () => {
    const db = new Database(':memory:');
    createSqliteOutboxStore(db);
    db.exec('UPDATE mail_schema_version SET version = 99');
    expect(() => createSqliteOutboxStore(db)).toThrow(/newer than this relay/);
  });

  it('ignores duplicate keys, claims due rows once, and re-offers a row whose lease expired (crashed worker)', async () => {
    const s = createSqliteOutboxStore(new Database(':memory:'));
    expect(await s.enqueue([item('a'), item('b'), item('a')])).toBe(2);
    expect(await s.enqueue([item('a')])).toBe(0);
    const claimed = await s.claimDue(1000, 10, 500);
    expect(claimed.map((r) => r.key)).toEqual(['a', 'b']);
    expect(await s.claimDue(1200, 10, 500)).toEqual([]); // leased
    await s.markSent(claimed[0]!.id, 1300);
    expect(await s.nextDueAt()).toBe(1500);
    expect((await s.claimDue(1500, 10, 500)).map((r) => r.key)).toEqual(['b']); // lease expired
    await s.markRetry(claimed[1]!.id, 5000, 'ESOCKET');
    expect(await s.nextDueAt()).toBe(5000);
    expect(await s.claimDue(4999, 10, 500)).toEqual([]);
    const again = await s.claimDue(5000, 10, 500);
    expect(again[0]).toMatchObject({ key: 'b', attempts: 1, message: { subject: 's' } });
    await s.release(again[0]!.id);
    expect(await s.counts()).toEqual({ pending: 1, sent: 1, failed: 0 });
    await s.markFailed(again[0]!.id, 6000, '550');
    expect(await s.counts()).toEqual({ pending: 0, sent: 1, failed: 1 });
    expect(await s.nextDueAt()).toBeUndefined();
    expect(await s.prune(1001)).toBe(2);
  });

  it('forgets a deleted channel\'s delivered rows and cursor but still sends what is pending', async () => {
    const s = createSqliteOutboxStore(new Database(':memory:'));
    await s.enqueue([item('a'), item('b'), { ...item('c'), channelId: 'other' }], { channelId: 'c', seq: 7 });
    const [a] = await s.claimDue(1000, 1, 100);
    await s.markSent(a!.id, 1000);
    expect(await s.forgetChannel('c')).toBe(1);
    expect(await s.getCursor('c')).toBeUndefined();
    expect(await s.counts()).toEqual({ pending: 2, sent: 0, failed: 0 });
  });
});
