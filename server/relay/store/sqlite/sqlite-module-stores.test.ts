import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { createSqliteOutboxStore } from './sqlite-outbox-store';
import { createSqliteProfileStore } from './sqlite-profile-store';
import { describeOutboxStore } from '../../../../tests/support/relay/store/outbox-store-contract';
import { describeProfileStore } from '../../../../tests/support/relay/store/profile-store-contract';
import { openSqliteStorage } from './sqlite-storage';
import { createSqliteTrustStore } from './sqlite-trust-store';
import { describeTrustStore } from '../../../../tests/support/relay/store/trust-store-contract';

// The mail outbox and profile contracts on SQLite; postgres-store.test.ts runs the same suites on PostgreSQL.

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Handles on one fresh file, each with its own connection (as separate relay processes would have). */
function onFreshFile<S>(create: (db: Database.Database) => S) {
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-modules-'));
    dirs.push(dir);
    const handles: Database.Database[] = [];
    const open = () => {
      const db = new Database(path.join(dir, 'relay.sqlite'));
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      handles.push(db);
      return create(db);
    };
    return Promise.resolve({
      store: open(),
      sibling: () => Promise.resolve(open()),
      close: () => Promise.resolve(handles.forEach((h) => h.close())),
    });
  };
}

describeOutboxStore('SQLite', onFreshFile(createSqliteOutboxStore));
describeProfileStore('SQLite', onFreshFile(createSqliteProfileStore));
describeTrustStore('SQLite', onFreshFile(createSqliteTrustStore));

it("openSqliteStorage puts the outbox and profiles in the relay's own SQLite file", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-modules-'));
  dirs.push(dir);
  const storage = openSqliteStorage(path.join(dir, 'relay.sqlite'));
  expect(storage.wake).toBeUndefined();
  expect(await storage.outbox.enqueue([])).toBe(0);
  expect(
    storage.database
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('mail_job', 'profile_profiles')")
      .get(),
  ).toEqual({ n: 2 });
  await storage.close();
});

it('migrates SQLite profiles published before issue 16: kept, owned by no account (so hidden and free to take)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-modules-'));
  dirs.push(dir);
  const db = new Database(path.join(dir, 'relay.sqlite'));
  db.exec(`CREATE TABLE profile_schema_version (version INTEGER NOT NULL) STRICT; INSERT INTO profile_schema_version VALUES (1);
    CREATE TABLE profile_profiles (channel_id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, body TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;`);
  const body = {
    slug: 'dana-reyes',
    name: 'Squatter',
    bio: '',
    preparationTips: '',
    timeZone: 'UTC',
    email: 'x@example.com',
    services: [],
    emailsEnabled: true,
  };
  db.prepare('INSERT INTO profile_profiles VALUES (?, ?, ?, 1)').run('old-channel', 'dana-reyes', JSON.stringify(body));
  const profiles = createSqliteProfileStore(db);
  expect(await profiles.getBySlug('dana-reyes')).toMatchObject({ channelId: 'old-channel', userId: null });
  expect(
    await profiles.put({ channelId: 'verified', profile: { ...body, name: 'Dana' }, updatedAt: 2, userId: 48213 }),
  ).toBe('ok');
  expect(await profiles.getByChannel('old-channel')).toBeUndefined();
  db.close();
});
