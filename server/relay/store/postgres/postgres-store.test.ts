import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashToken } from '../../crypto';
import { startPgTestCluster, type PgTestCluster } from '../../../../tests/support/relay/pg-test-cluster';
import { openRelayStorage } from '../open-relay-storage';
import { migratePostgres, POSTGRES_SCHEMA_VERSION } from './postgres-migrations';
import { openPostgresStore, type PostgresRelayStore } from './postgres-store';
import { describeOutboxStore } from '../../../../tests/support/relay/store/outbox-store-contract';
import { createPostgresOutboxStore, PG_CLAIM_SQL } from './postgres-outbox-store';
import { createPostgresProfileStore } from './postgres-profile-store';
import { describeProfileStore } from '../../../../tests/support/relay/store/profile-store-contract';
import { describeRelayStore, testEvent } from '../../../../tests/support/relay/store/store-contract';
import { createPostgresTrustStore } from './postgres-trust-store';
import { describeTrustStore } from '../../../../tests/support/relay/store/trust-store-contract';

/** pg 8 warns once per process when a query is queued on a busy client: pg 9 drops that queue (checked last). */
const queuedQueryWarnings: string[] = [];
const onWarning = (w: Error) =>
  void (/already executing a query/.test(w.message) && queuedQueryWarnings.push(w.message));
process.on('warning', onWarning);
afterAll(() => void process.off('warning', onWarning));

let cluster: PgTestCluster;
beforeAll(async () => {
  cluster = await startPgTestCluster();
}, 60_000);
afterAll(() => cluster?.stop());

const opened: PostgresRelayStore[] = [];
afterAll(async () => {
  for (const s of opened.splice(0)) await s.close();
});
async function openOn(url: string, options: Parameters<typeof openPostgresStore>[1] = {}): Promise<PostgresRelayStore> {
  const s = await openPostgresStore(url, options);
  opened.push(s);
  return s;
}
async function sql<R extends pg.QueryResultRow>(url: string, text: string, values?: unknown[]): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text, values)).rows;
  } finally {
    await c.end();
  }
}
const waitFor = async (cond: () => boolean, what: string, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
/** Watches a store's commit notifications as `<channel>:<lastSeq>`, once its first LISTEN is up. */
async function watchCommits(store: PostgresRelayStore) {
  const seen: string[] = [];
  let gaps = 0;
  const stop = store.shared!.watch(
    (id, seq) => seen.push(`${id}:${seq}`),
    () => gaps++,
  );
  await waitFor(() => gaps === 1, 'the first LISTEN');
  return { seen, gaps: () => gaps, stop };
}

describeRelayStore('PostgreSQL', async () => {
  const url = await cluster.createDatabase();
  return { store: await openPostgresStore(url), sibling: () => openPostgresStore(url) };
});

/** A fresh database with the relay's tables, and module stores on pools of it (one pool per "instance"). */
function moduleOnFreshDatabase<S>(create: (pool: pg.Pool) => Promise<S>) {
  return async () => {
    const url = await cluster.createDatabase();
    const relays: PostgresRelayStore[] = [];
    const open = async () => {
      const r = await openPostgresStore(url);
      relays.push(r);
      return create(r.pool);
    };
    return {
      store: await open(),
      sibling: open,
      close: async () => void (await Promise.all(relays.map((r) => r.close()))),
    };
  };
}
describeOutboxStore('PostgreSQL', moduleOnFreshDatabase(createPostgresOutboxStore));
describeProfileStore('PostgreSQL', moduleOnFreshDatabase(createPostgresProfileStore));
describeTrustStore('PostgreSQL', moduleOnFreshDatabase(createPostgresTrustStore));

describe('PostgreSQL relay store (engine specifics)', () => {
  const relayVersions = Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => ({
    module: 'relay',
    version: i + 1,
  }));

  it('records versioned migrations and migrates exactly once when instances start together', async () => {
    const url = await cluster.createDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openOn(url)));
    expect(await sql(url, 'SELECT module, version FROM schema_migrations ORDER BY version')).toEqual(relayVersions);
    await stores[0]!.createChannel({ id: 'a'.repeat(24), tokenHash: hashToken('t'), createdAt: 1 });
    expect((await stores[3]!.getChannel('a'.repeat(24)))?.tokenHash.equals(hashToken('t'))).toBe(true);
    // Reopening finds the schema current and keeps the data.
    const again = await openOn(url);
    expect(await again.getChannel('a'.repeat(24))).toBeDefined();
  });

  it('appends a batch in one round trip: a single statement in its own transaction, no BEGIN/COMMIT (issue 18)', async () => {
    const store = await openOn(await cluster.createDatabase());
    const ids = ['c'.repeat(24), 'd'.repeat(24)];
    for (const id of ids) await store.createChannel({ id, tokenHash: hashToken(id), createdAt: 1 });
    // The append connection asks its server process id once when it opens (see watch): open it before counting.
    await store.appendEvents([testEvent('f'.repeat(24), 1)]);
    // Every statement any connection of this process sends to the server goes through Client#query.
    const sent = vi.spyOn(pg.Client.prototype, 'query');
    const batch = Array.from({ length: 50 }, (_, i) => testEvent(ids[i % 2] as string, i, `{"n":${i}}`));
    const outcomes = await store.appendEvents([...batch, testEvent('e'.repeat(24), 1)]);
    const statements = sent.mock.calls.map((c) => String(c[0]));
    sent.mockRestore();

    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^SELECT channel, last_seq, is_full\s+FROM relay_append\(/);
    expect(outcomes.at(-1)).toEqual({ ok: false, reason: 'channel_not_found' });
    // Numbered in arrival order within each channel, and stored byte for byte.
    for (const id of ids) {
      const mine = batch.filter((e) => e.channelId === id).map((e) => e.body.toString());
      expect((await store.listEvents(id, 0, 100)).map((e) => [e.seq, e.body.toString()])).toEqual(
        mine.map((body, i) => [i + 1, body]),
      );
    }
  });

  it('deletes a channel without holding its row while its events go: a batch with a webhook for it does not wait (security review 41)', async () => {
    const url = await cluster.createDatabase();
    const store = await openOn(url);
    const [a, b] = ['a'.repeat(24), 'b'.repeat(24)];
    for (const id of [a, b]) await store.createChannel({ id, tokenHash: hashToken(id), createdAt: 1 });
    // More bytes than one chunk of the deletion (16 MiB), then small events: 30 in all.
    const big = Buffer.alloc(1024 * 1024, 0x61).toString();
    for (let i = 0; i < 17; i++) await store.appendEvents([testEvent(a, i, `"${big}"`)]);
    await store.appendEvents(Array.from({ length: 13 }, (_, i) => testEvent(a, 100 + i)));
    const count = async () =>
      (await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM events WHERE channel_id = $1', [a]))[0]?.n;

    // Another session holds the channel's newest event: the deletion gets as far as that row and waits there.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    let deleting: Promise<boolean> | undefined;
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM events WHERE channel_id = $1 AND seq = 30 FOR UPDATE', [a]);
      let deleted = false;
      deleting = store.deleteChannel(a).finally(() => (deleted = true));
      const waiting = async () =>
        (
          await sql<{ n: number }>(
            url,
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE%'",
          )
        )[0]?.n;
      const until = Date.now() + 10_000;
      while ((await waiting()) !== 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await waiting()).toBe(1);
      // relay_append locks the channel rows of its batch. One DELETE of the channel row cascading over its events
      // held that row until the last event was gone: the batch waited, and every batch queued behind it.
      const appended = store.appendEvents([testEvent(b, 1), testEvent(a, 1)]);
      const outcome = await Promise.race([
        appended,
        new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 3_000)),
      ]);
      expect(outcome === 'blocked' ? outcome : outcome.map((o) => o.ok)).toEqual([true, true]);
      expect(deleted).toBe(false);
      expect(await count()).toBeLessThan(30);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // What the channel got meanwhile goes with it.
    expect(await deleting).toBe(true);
    expect(await count()).toBe(0);
    expect(await store.getChannel(a)).toBeUndefined();
    expect(await store.deleteChannel(a)).toBe(false);
    expect((await store.listEvents(b, 0, 10)).map((e) => e.seq)).toEqual([1]);
  });

  it('prunes in statements bounded by bytes as well as rows, until none is left (security review 41)', async () => {
    const store = await openOn(await cluster.createDatabase());
    const [a, b] = ['a'.repeat(24), 'b'.repeat(24)];
    for (const id of [a, b]) await store.createChannel({ id, tokenHash: hashToken(id), createdAt: 1 });
    // 40 MiB past retention in 40 events (one statement of them all was the old bound: 5,000 rows), 5 small ones kept.
    const big = Buffer.alloc(1024 * 1024, 0x61).toString();
    for (let i = 0; i < 40; i++) await store.appendEvents([testEvent(i % 2 ? a : b, 10, `"${big}"`)]);
    await store.appendEvents(Array.from({ length: 5 }, () => testEvent(a, 500)));
    const sent = vi.spyOn(pg.Client.prototype, 'query');
    const pruned = await store.prune({ unackedBefore: 100, ackedBefore: 0 });
    const deletes = sent.mock.calls.filter((c) => String(c[0]).startsWith('DELETE FROM events'));
    sent.mockRestore();
    expect(pruned).toBe(40);
    // 16 MiB per statement: at least three that delete, and the empty one that ends the pass.
    expect(deletes.length).toBeGreaterThanOrEqual(4);
    expect(await store.bounds(a)).toMatchObject({ lastSeq: 25, oldestSeq: 21 });
    expect((await store.bounds(b))?.storedBytes).toBe(0);
  });

  it('versions each module separately in schema_migrations', async () => {
    const url = await cluster.createDatabase();
    const store = await openOn(url);
    await Promise.all([
      createPostgresOutboxStore(store.pool),
      createPostgresOutboxStore(store.pool),
      createPostgresProfileStore(store.pool),
      createPostgresTrustStore(store.pool),
    ]);
    expect(await sql(url, 'SELECT module, version FROM schema_migrations ORDER BY module, version')).toEqual([
      { module: 'mail', version: 1 },
      { module: 'mail', version: 2 },
      { module: 'profile', version: 1 },
      { module: 'profile', version: 2 },
      ...relayVersions,
      { module: 'trust', version: 1 },
    ]);
  });

  it('migrates a log from before the byte counts: what each channel holds is counted, and the appends of relays not yet upgraded are counted too', async () => {
    const url = await cluster.createDatabase();
    const pool = new pg.Pool({ connectionString: url });
    try {
      await migratePostgres(pool, 2); // as a relay from before migration 3 left it
      const [a, b] = ['a'.repeat(24), 'b'.repeat(24)];
      for (const id of [a, b])
        await pool.query('INSERT INTO channels (id, token_hash, created_at) VALUES ($1, $2, 1)', [id, hashToken(id)]);
      const legacyAppend = (channel: string, body: string) =>
        pool.query(
          `SELECT * FROM relay_append($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::bytea[])`,
          [[channel], [1], ['application/json'], ['{"h":"é"}'], ['{}'], [Buffer.from(body)]],
        );
      await legacyAppend(a, '{"n":1}');
      await legacyAppend(a, 'x'.repeat(500));
      const size = (body: string) => body.length + Buffer.byteLength('{"h":"é"}') + 2;
      const store = await openOn(url); // migrates to the latest version
      expect((await store.bounds(a))?.storedBytes).toBe(size('{"n":1}') + size('x'.repeat(500)));
      expect((await store.bounds(b))?.storedBytes).toBe(0);
      // A relay still on the 6-argument relay_append, beside an upgraded one: its appends count, with no cap.
      const [row] = (await legacyAppend(b, '{"n":2}')).rows as Array<{ channel: string; last_seq: string }>;
      expect(row).toEqual({ channel: b, last_seq: '1' });
      expect((await store.bounds(b))?.storedBytes).toBe(size('{"n":2}'));
      await store.prune({ unackedBefore: 2, ackedBefore: 0 });
      expect([(await store.bounds(a))?.storedBytes, (await store.bounds(b))?.storedBytes]).toEqual([0, 0]);
    } finally {
      await pool.end();
    }
  });

  it('migrates profiles published before issue 16: kept, owned by no account (so hidden and free to take)', async () => {
    const url = await cluster.createDatabase();
    const store = await openOn(url);
    await sql(
      url,
      `CREATE TABLE profile_profiles (channel_id text PRIMARY KEY, slug text NOT NULL UNIQUE, body text NOT NULL, updated_at int8 NOT NULL)`,
    );
    await sql(url, "INSERT INTO schema_migrations (module, version) VALUES ('profile', 1)");
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
    await sql(url, 'INSERT INTO profile_profiles VALUES ($1, $2, $3, 1)', [
      'old-channel',
      'dana-reyes',
      JSON.stringify(body),
    ]);
    const profiles = await createPostgresProfileStore(store.pool);
    expect(await profiles.getBySlug('dana-reyes')).toMatchObject({ channelId: 'old-channel', userId: null });
    expect(
      await profiles.put({ channelId: 'verified', profile: { ...body, name: 'Dana' }, updatedAt: 2, userId: 48213 }),
    ).toBe('ok');
    expect(await profiles.getByChannel('old-channel')).toBeUndefined();
  });

  it('claims mail jobs by walking one index in (due_at, id) order: no scan of the backlog, no sort (issue 18)', async () => {
    const url = await cluster.createDatabase();
    const store = await openOn(url);
    const outbox = await createPostgresOutboxStore(store.pool);
    for (let b = 0; b < 5; b++) {
      await outbox.enqueue(
        Array.from({ length: 2000 }, (_, i) => ({
          key: `k${b}-${i}`,
          channelId: 'c',
          seq: b * 2000 + i + 1,
          kind: 'created:attendee' as const,
          to: { name: 'S', address: 's@example.net' },
          createdAt: i,
        })),
      );
    }
    await sql(url, 'ANALYZE mail_job');
    const plan = (await sql<{ 'QUERY PLAN': string }>(url, `EXPLAIN ${PG_CLAIM_SQL}`, [9_000_000, 1_000_000, 20]))
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toMatch(/Index Scan using mail_job_due on mail_job/);
    expect(plan).not.toMatch(/Sort|Seq Scan on mail_job/);
  });

  it('migrates mail rows queued before issue 18: pending ones keep their rendered message, done ones lose it', async () => {
    const url = await cluster.createDatabase();
    const store = await openOn(url);
    const message = { to: { name: 'Sam', address: 'sam@example.net' }, subject: 'Confirmed', text: 't', html: 'h' };
    await sql(
      url,
      `CREATE TABLE mail_outbox (id bigserial PRIMARY KEY, dedupe_key text NOT NULL UNIQUE, channel_id text NOT NULL, kind text NOT NULL,
      message text NOT NULL, status text NOT NULL, attempts int NOT NULL DEFAULT 0, next_attempt_at int8 NOT NULL, lease_until int8,
      last_error text, created_at int8 NOT NULL, done_at int8);
      CREATE TABLE mail_cursor (channel_id text PRIMARY KEY, seq int8 NOT NULL);
      CREATE TABLE mail_meta (key text PRIMARY KEY, value int8 NOT NULL); INSERT INTO mail_meta VALUES ('installed_at', 1);
      INSERT INTO schema_migrations (module, version) VALUES ('mail', 1);`,
    );
    await sql(
      url,
      `INSERT INTO mail_outbox (dedupe_key, channel_id, kind, message, status, attempts, next_attempt_at, created_at, done_at) VALUES
      ('old-pending', 'c', 'created:attendee', $1, 'pending', 1, 500, 100, NULL), ('old-sent', 'c', 'created:attendee', $1, 'sent', 1, 100, 100, 200)`,
      [JSON.stringify(message)],
    );
    const outbox = await createPostgresOutboxStore(store.pool);
    expect(await outbox.counts()).toEqual({ pending: 1, sent: 1, failed: 0 });
    const [row] = await outbox.claimDue(1000, 10, 100);
    expect(row).toMatchObject({
      key: 'old-pending',
      seq: 0,
      to: { address: 'sam@example.net' },
      legacyMessage: message,
    });
    expect(await sql(url, 'SELECT count(*)::int AS n FROM mail_job WHERE legacy_message IS NOT NULL')).toEqual([
      { n: 1 },
    ]);
    // New jobs get ids after the migrated ones.
    expect(
      await outbox.enqueue([
        {
          key: 'new',
          channelId: 'c',
          seq: 5,
          kind: 'created:attendee',
          to: { name: 'S', address: 's@example.net' },
          createdAt: 2000,
        },
      ]),
    ).toBe(1);
  });

  it('refuses a database from a newer relay', async () => {
    const url = await cluster.createDatabase();
    await (await openOn(url)).close();
    await sql(url, "INSERT INTO schema_migrations (module, version) VALUES ('relay', 99)");
    await expect(openPostgresStore(url)).rejects.toThrow(/newer than this relay/);
  });

  it('is selected by openRelayStorage for a postgres storage config, and rejects when the server is unreachable', async () => {
    const url = await cluster.createDatabase();
    const storage = await openRelayStorage({ kind: 'postgres', url, pollMs: 2000 });
    const s = storage.events;
    opened.push(s as PostgresRelayStore);
    expect(storage.engine).toBe('postgres');
    expect(storage.wake).toEqual({ commits: s.shared, pollMs: 2000 });
    expect(s.shared).toBeDefined();
    await s.ping();
    // The mail outbox and profiles follow the relay into the same database.
    const { outbox, profiles } = storage;
    expect(await outbox.counts()).toEqual({ pending: 0, sent: 0, failed: 0 });
    expect(await profiles.getBySlug('nobody')).toBeUndefined();
    expect(
      (
        await sql<{ t: string }>(
          url,
          "SELECT tablename AS t FROM pg_tables WHERE tablename IN ('mail_job', 'profile_profiles') ORDER BY 1",
        )
      ).map((r) => r.t),
    ).toEqual(['mail_job', 'profile_profiles']);
    await expect(
      openRelayStorage({ kind: 'postgres', url: 'postgres://relay@127.0.0.1:1/none', pollMs: 2000 }),
    ).rejects.toThrow();
  });

  it('announces each commit id-only to every listener, and keeps listening after its connection is killed', async () => {
    const url = await cluster.createDatabase();
    const writer = await openOn(url);
    const reader = await openOn(url, { listen: { minBackoffMs: 20, maxBackoffMs: 100 } });
    const a = 'a'.repeat(24);
    await writer.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
    const { seen, gaps, stop } = await watchCommits(reader);
    await writer.appendEvents([testEvent(a, 1), testEvent(a, 1), testEvent('z'.repeat(24), 1)]);
    await waitFor(() => seen.length === 1, 'a notification');
    expect(seen).toEqual([`${a}:2`]);

    // The server drops the LISTEN connection: it reconnects (reporting a gap) and hears later commits again.
    const killed = await sql<{ ok: boolean }>(
      url,
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query = 'LISTEN relay_events'",
    );
    expect(killed).toEqual([{ ok: true }]);
    await waitFor(() => gaps() === 2, 'a reconnect');
    await writer.appendEvents([testEvent(a, 1)]);
    await waitFor(() => seen.length === 2, 'a notification after reconnecting');
    expect(seen[1]).toBe(`${a}:3`);
    expect(await reader.shared!.lastSeqs([a, 'q'.repeat(24)])).toEqual(new Map([[a, 3]]));
    stop();

    // Every connection dropped at once (a database restart): the pools replace them, nothing needs a restart.
    await sql(
      url,
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    await new Promise((r) => setTimeout(r, 200)); // the server's FATAL reaches the idle connections
    const [next] = await writer.appendEvents([testEvent(a, 1)]);
    expect(next?.ok && next.event.seq).toBe(4);
    expect((await reader.listEvents(a, 3, 10)).map((e) => e.seq)).toEqual([4]);
  });

  it("does not announce a store's own commits to itself (its streams had them from memory), also after its connections are replaced", async () => {
    const url = await cluster.createDatabase();
    const self = await openOn(url, { listen: { minBackoffMs: 20, maxBackoffMs: 100 } });
    const other = await openOn(url);
    const a = 'a'.repeat(24);
    await self.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
    const { seen, gaps, stop } = await watchCommits(self);
    // Notifications arrive in commit order: once the other store's is heard, ours would have been heard before it.
    await self.appendEvents([testEvent(a, 1)]);
    await other.appendEvents([testEvent(a, 1)]);
    await waitFor(() => seen.length === 1, "the other store's notification");
    expect(seen).toEqual([`${a}:2`]);

    // Every connection dropped (a database restart): the new append connection is recognised as ours too.
    await sql(
      url,
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    await waitFor(() => gaps() === 2, 'a reconnect');
    await self.appendEvents([testEvent(a, 1)]);
    await other.appendEvents([testEvent(a, 1)]);
    await waitFor(() => seen.length === 2, "the other store's next notification");
    expect(seen).toEqual([`${a}:2`, `${a}:4`]);
    stop();
  });
});

// Last in the file: every store above has connected, appended and reconnected by now.
describe('PostgreSQL client use', () => {
  it('never queues a query on a connection that is running one (pg 9 drops that queue)', () => {
    expect(queuedQueryWarnings).toEqual([]);
  });
});
