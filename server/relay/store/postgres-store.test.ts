import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../crypto';
import { startPgTestCluster, type PgTestCluster } from '../pg-test-cluster';
import { openStore } from './open-store';
import { POSTGRES_SCHEMA_VERSION } from './postgres-migrations';
import { openPostgresStore, type PostgresRelayStore } from './postgres-store';
import { describeRelayStore, testEvent } from './store-contract';

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

describeRelayStore('PostgreSQL', async () => {
  const url = await cluster.createDatabase();
  return { store: await openPostgresStore(url), sibling: () => openPostgresStore(url) };
});

describe('PostgreSQL relay store (engine specifics)', () => {
  it('records versioned migrations and migrates exactly once when instances start together', async () => {
    const url = await cluster.createDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openOn(url)));
    expect(await sql(url, 'SELECT version FROM schema_migrations')).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
    await stores[0]!.createChannel({ id: 'a'.repeat(24), tokenHash: hashToken('t'), createdAt: 1 });
    expect((await stores[3]!.getChannel('a'.repeat(24)))?.tokenHash.equals(hashToken('t'))).toBe(true);
    // Reopening finds the schema current and keeps the data.
    const again = await openOn(url);
    expect(await again.getChannel('a'.repeat(24))).toBeDefined();
  });

  it('refuses a database from a newer relay', async () => {
    const url = await cluster.createDatabase();
    await (await openOn(url)).close();
    await sql(url, 'INSERT INTO schema_migrations (version) VALUES (99)');
    await expect(openPostgresStore(url)).rejects.toThrow(/newer than this relay/);
  });

  it('is selected by openStore for a postgres storage config, and rejects when the server is unreachable', async () => {
    const url = await cluster.createDatabase();
    const s = await openStore({ kind: 'postgres', url });
    opened.push(s as PostgresRelayStore);
    expect(s.shared).toBeDefined();
    await s.ping();
    await expect(openStore({ kind: 'postgres', url: 'postgres://relay@127.0.0.1:1/none' })).rejects.toThrow();
  });

  it('announces each commit id-only to every listener, and keeps listening after its connection is killed', async () => {
    const url = await cluster.createDatabase();
    const writer = await openOn(url);
    const reader = await openOn(url, { listen: { minBackoffMs: 20, maxBackoffMs: 100 } });
    const a = 'a'.repeat(24);
    await writer.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
    const seen: string[] = [];
    let gaps = 0;
    const stop = reader.shared!.watch(
      (id, seq) => seen.push(`${id}:${seq}`),
      () => gaps++,
    );
    await waitFor(() => gaps === 1, 'the first LISTEN');
    await writer.appendEvents([testEvent(a, 1), testEvent(a, 1), testEvent('z'.repeat(24), 1)]);
    await waitFor(() => seen.length === 1, 'a notification');
    expect(seen).toEqual([`${a}:2`]);

    // The server drops the LISTEN connection: it reconnects (reporting a gap) and hears later commits again.
    const killed = await sql<{ ok: boolean }>(url, "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query = 'LISTEN relay_events'");
    expect(killed).toEqual([{ ok: true }]);
    await waitFor(() => gaps === 2, 'a reconnect');
    await writer.appendEvents([testEvent(a, 1)]);
    await waitFor(() => seen.length === 2, 'a notification after reconnecting');
    expect(seen[1]).toBe(`${a}:3`);
    expect(await reader.shared!.lastSeqs([a, 'q'.repeat(24)])).toEqual(new Map([[a, 3]]));
    stop();
  });
});
