import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPgTestCluster, type PgTestCluster } from '../../tests/support/relay/pg-test-cluster';
import { openPostgresStore } from './store/postgres/postgres-store';
import {
  bodyKey,
  killRelayProcess,
  pullAllEvents,
  spawnRelayProcess,
  type RelayProcess,
} from '../../tests/support/relay/relay-process';
import { calSignature } from './crypto';
import {
  createReadyChannel,
  startRelay,
  startSmee,
  startTarget,
  tempDir,
  TEST_SECRET,
  testConfig,
  waitUntil,
} from '../../tests/support/relay/relay-test-kit';
import type { Sandbox } from '../calcom-sandbox';
import { profileBody, putProfile, startTestSandbox, verifiedChannel } from '../../tests/support/relay/verified-channel';

// Real relay processes over loopback sharing one PostgreSQL database, as behind a load balancer.

let cluster: PgTestCluster;
let sandbox: Sandbox;
let sandboxUrl = '';
beforeAll(async () => {
  cluster = await startPgTestCluster();
  ({ sandbox, url: sandboxUrl } = await startTestSandbox());
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
  await cluster?.stop();
});

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function instance(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ proc: RelayProcess; url: string }> {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const proc = spawnRelayProcess({
    DATABASE_URL: databaseUrl,
    RELAY_PORT: '0',
    RELAY_DATA_DIR: dir,
    RELAY_RATE_LIMIT_CHANNEL_PER_MIN: '1000000',
    RELAY_RATE_LIMIT_IP_PER_MIN: '1000000',
    RELAY_CALCOM_API_URL: sandboxUrl,
    ...env,
  });
  cleanups.push(() => killRelayProcess(proc));
  return { proc, url: await proc.url };
}

const post = (url: string, channelId: string, k: number) => {
  const body = JSON.stringify({ k });
  return fetch(`${url}/hooks/${channelId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-cal-signature-256': calSignature(TEST_SECRET, Buffer.from(body)),
    },
    body,
  });
};

/** Every acknowledged k exactly once (or more only when `retried` allows it), and sequences 1..n without gaps. */
function expectLossless(
  events: Awaited<ReturnType<typeof pullAllEvents>>,
  acknowledged: readonly number[],
  retried = new Set<number>(),
) {
  const counts = new Map<number, number>();
  for (const e of events) counts.set(bodyKey(e), (counts.get(bodyKey(e)) ?? 0) + 1);
  const missing = acknowledged.filter((k) => !counts.has(k));
  expect(missing).toEqual([]);
  const duplicated = [...counts].filter(([k, n]) => n > 1 && !retried.has(k));
  expect(duplicated).toEqual([]);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
}

describe('relay on PostgreSQL, several instances', () => {
  it("delivers a webhook posted to instance A to a smee-client subscribed on instance B, woken by NOTIFY; serves A's profile on B", async () => {
    const db = await cluster.createDatabase();
    // Both start (and migrate) at the same moment: the advisory lock makes one of them wait. B's safety poll is
    // set far beyond the test, so only a NOTIFY can wake its stream.
    const noPoll = { RELAY_STREAM_POLL_MS: '600000' };
    const [a, b] = await Promise.all([instance(db), instance(db, noPoll)]);
    // A verified channel (the sandbox answers /v2/me), so that it may publish; approval is auto in development.
    const { ch } = await verifiedChannel(a.url, sandboxUrl, { secret: TEST_SECRET });
    const target = await startTarget();
    cleanups.push(() => target.close());
    const { client } = await startSmee(`${b.url}/hooks/${ch.id}`, target.url, ch.token);
    cleanups.push(() => client.stop());

    for (let k = 0; k < 5; k++) {
      expect((await post(a.url, ch.id, k)).status).toBe(200);
      await target.waitFor(k + 1, 10_000);
    }
    expect(target.received.map((r) => (JSON.parse(r.raw.toString()) as { k: number }).k).sort((x, y) => x - y)).toEqual(
      [0, 1, 2, 3, 4],
    );

    // The profile published through A is the one B serves: profiles live in the shared database too.
    const put = await putProfile(a.url, ch, profileBody({ services: [] }));
    expect(put.status).toBe(200);
    const page = await fetch(`${b.url}/consultations/dana-reyes`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Dana Reyes');
  }, 60_000);

  it('catches a commit whose notification never came, with the safety poll', async () => {
    const db = await cluster.createDatabase();
    // In-process is enough here: the point is the poll, not process boundaries.
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const { relay, url } = await startRelay(
      testConfig(dir, { DATABASE_URL: db, RELAY_STREAM_POLL_MS: '300', RELAY_LOG_LEVEL: 'warn' }),
    );
    cleanups.push(() => relay.stop());
    const ch = await createReadyChannel(url);
    const target = await startTarget();
    cleanups.push(() => target.close());
    const { client } = await startSmee(`${url}/hooks/${ch.id}`, target.url, ch.token);
    cleanups.push(() => client.stop());
    // Another writer that commits without NOTIFY (as if the notification were lost).
    const store = await openPostgresStore(db);
    cleanups.push(() => store.close());
    await store.pool.query(
      `WITH c AS (UPDATE channels SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq)
       INSERT INTO events (channel_id, seq, received_at, content_type, headers, query, body)
       SELECT $1, last_seq, 0, 'application/json', '{}', '{}', $2 FROM c`,
      [ch.id, Buffer.from('{"k":42}')],
    );
    await target.waitFor(1, 10_000);
    expect(JSON.parse(target.received[0]!.raw.toString())).toEqual({ k: 42 });
  }, 60_000);

  it('loses nothing that got a 2xx when instance A is killed with SIGKILL mid-burst, while B keeps taking writes', async () => {
    const db = await cluster.createDatabase();
    const [a, b] = await Promise.all([instance(db), instance(db)]);
    const ch = await createReadyChannel(b.url);
    const target = await startTarget();
    cleanups.push(() => target.close());
    const { client } = await startSmee(`${b.url}/hooks/${ch.id}`, target.url, ch.token);
    cleanups.push(() => client.stop());

    const acknowledged: number[] = [];
    let n = 0;
    let stop = false;
    // Half the workers write to A, half to B: both instances assign sequences on the same channel concurrently.
    const worker = async (url: string) => {
      while (!stop) {
        const k = n++;
        try {
          if ((await post(url, ch.id, k)).ok) acknowledged.push(k);
        } catch {
          return; // the instance is gone
        }
      }
    };
    const workers = Promise.all(Array.from({ length: 12 }, (_, i) => worker(i % 2 ? a.url : b.url)));
    const deadline = Date.now() + 20_000;
    while (acknowledged.length < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    a.proc.child.kill('SIGKILL');
    expect((await a.proc.exit).signal).toBe('SIGKILL');
    const afterKill = acknowledged.length;
    expect(afterKill).toBeGreaterThanOrEqual(100);
    while (acknowledged.length < afterKill + 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await workers;
    expect(acknowledged.length).toBeGreaterThanOrEqual(afterKill + 20);

    const events = await pullAllEvents(b.url, ch.id, ch.token);
    expectLossless(events, acknowledged);
    // B's subscriber saw every stored event, including those A committed before it died.
    await target.waitFor(events.length, 20_000);
    const forwarded = new Set(target.received.map((r) => (JSON.parse(r.raw.toString()) as { k: number }).k));
    expect(events.filter((e) => !forwarded.has(bodyKey(e)))).toEqual([]);
  }, 60_000);

  it('loses nothing during a rolling restart of both instances under traffic', async () => {
    const db = await cluster.createDatabase();
    const [a, b] = await Promise.all([instance(db), instance(db)]);
    const ch = await createReadyChannel(a.url);
    // The load balancer: round robin over the live backends; a connection error or 503 goes to the next one.
    const backends = [a.url, b.url];
    let rr = 0;
    const acknowledged: number[] = [];
    const retried = new Set<number>();
    const gaveUp: number[] = [];
    let n = 0;
    let stop = false;
    const send = async (k: number) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const url = backends[rr++ % backends.length]!;
        if (attempt > 0) retried.add(k);
        try {
          const res = await post(url, ch.id, k);
          if (res.ok) return acknowledged.push(k);
          if (res.status !== 503) throw new Error(`unexpected ${res.status}`);
        } catch (err) {
          if ((err as Error).message.startsWith('unexpected')) throw err;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      gaveUp.push(k);
    };
    const workers = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!stop) await send(n++);
      }),
    );

    const restart = async (old: { proc: RelayProcess; url: string }) => {
      const before = acknowledged.length;
      await waitUntil(() => acknowledged.length >= before + 20, 20_000, 'traffic before the restart');
      old.proc.child.kill('SIGTERM');
      expect((await old.proc.exit).code).toBe(0);
      backends.splice(backends.indexOf(old.url), 1);
      const fresh = await instance(db);
      backends.push(fresh.url);
    };
    await restart(a);
    await restart(b);
    const before = acknowledged.length;
    await waitUntil(() => acknowledged.length >= before + 20, 20_000, 'traffic after the restarts');
    stop = true;
    await workers;

    expect(gaveUp).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    expectLossless(await pullAllEvents(backends[0]!, ch.id, ch.token), acknowledged, retried);
  }, 90_000);
});
