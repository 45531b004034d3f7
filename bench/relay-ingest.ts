import { join } from 'node:path';
import autocannon from 'autocannon';
import { CALCOM_SIGNATURE_HEADER, CALCOM_WEBHOOK_VERSION } from '../common/calcom';
import type { PullResponse } from '../common/relay';
import type { BenchContext, BenchResult, Figure } from './report';
import { startPgTestCluster } from '../server/relay/pg-test-cluster';
import { benchRelayEnv, createChannel, request, startServerProcess } from './server-process';
import type { ServerProcess } from './server-process';
import { signedCreatedBodies } from './webhook-bodies';

/**
 * 1. Relay ingest: signed Cal.com bodies (~3 KB) from autocannon over 64 connections, each verified, durably
 * committed (SQLite WAL fsynced before the answer, group commit) and answered 200. Baseline: a bare node:http server in
 * the same kind of child process that reads the body and answers 200. Then a rate-limited run at 1,000/s.
 */

const CONNECTIONS = 64;
const RATE = 1_000;
const CHANNELS = 8;
const SECRET = 'bench-webhook-secret-0123456789abcdef';

type Requests = NonNullable<autocannon.Options['requests']>;

interface Run {
  readonly rps: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

async function cannon(url: string, requests: Requests, seconds: number, overallRate?: number): Promise<Run> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, requests, ...(overallRate ? { overallRate } : {}), timeout: 10 });
  // No answer at all within the run: there is no latency to report, and 0 ms must not read as "target met".
  if (r['2xx'] === 0) return { rps: 0, ok: 0, non2xx: r.non2xx, errors: r.errors, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  return {
    rps: r['2xx'] / r.duration,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
  };
}

/** Throughput, then p99 at the fixed rate, against one server; warm-up traffic first (JIT, SQLite cache). */
async function measure(server: ServerProcess, requests: Requests, seconds: number, log: (m: string) => void): Promise<{ throughput: Run; rated: Run; warmup: Run }> {
  const warmup = await cannon(server.url, requests, Math.min(1, seconds / 2));
  log('ingest:   warmed up');
  const throughput = await cannon(server.url, requests, seconds);
  log('ingest:   throughput run done');
  const rated = await cannon(server.url, requests, seconds, RATE);
  log('ingest:   rated run done');
  return { throughput, rated, warmup };
}

/** Runs the ingest bench on the default engine (SQLite in the relay's data folder). */
export function benchRelayIngest(ctx: BenchContext): Promise<BenchResult> {
  return ingestBench(ctx, undefined);
}

/** The same bench with the relay on PostgreSQL (a throwaway local cluster, fsync on), for issue 12. */
export async function benchRelayIngestPostgres(ctx: BenchContext): Promise<BenchResult> {
  ctx.log('ingest: starting a throwaway PostgreSQL cluster');
  const cluster = await startPgTestCluster();
  try {
    return await ingestBench(ctx, await cluster.createDatabase());
  } finally {
    await cluster.stop();
  }
}

async function ingestBench(ctx: BenchContext, databaseUrl: string | undefined): Promise<BenchResult> {
  const on = databaseUrl ? ' on PostgreSQL' : '';
  const started = performance.now();
  const seconds = ctx.quick ? 1 : 8;
  const bodies = signedCreatedBodies(64, SECRET);
  const headers = (signature: string) => ({ 'content-type': 'application/json', [CALCOM_SIGNATURE_HEADER]: signature, 'x-cal-webhook-version': CALCOM_WEBHOOK_VERSION });

  ctx.log('ingest: bare node:http baseline');
  const bare = await startServerProcess('bare');
  let bareRuns;
  try {
    bareRuns = await measure(bare, bodies.map((b, i) => ({ method: 'POST', path: `/hooks/bare${i % CHANNELS}`, headers: headers(b.signature), body: b.body })), seconds, ctx.log);
  } finally {
    await bare.stop();
  }

  ctx.log(`ingest: relay${on}`);
  const relay = await startServerProcess('relay', {
    ...benchRelayEnv,
    RELAY_PORT: '0',
    RELAY_DATA_DIR: join(ctx.workDir, databaseUrl ? 'ingest-relay-pg' : 'ingest-relay'),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  let relayRuns;
  let stored = 0;
  try {
    const channels = await Promise.all(Array.from({ length: CHANNELS }, () => createChannel(relay.url, SECRET)));
    const requests = bodies.map((b, i) => ({ method: 'POST' as const, path: `/hooks/${channels[i % CHANNELS]?.id}`, headers: headers(b.signature), body: b.body }));
    relayRuns = await measure(relay, requests, seconds, ctx.log);
    // Every 2xx must be a stored event: count what the relay's log holds.
    for (const c of channels) {
      const page = await request('GET', `${relay.url}/api/channels/${c.id}/events?after=0&limit=1`, { headers: { authorization: `Bearer ${c.token}` } });
      stored += (JSON.parse(page.body) as PullResponse).lastSeq;
    }
  } finally {
    await relay.stop();
  }

  const answered = relayRuns.warmup.ok + relayRuns.throughput.ok + relayRuns.rated.ok;
  // autocannon stops counting with requests still in flight (at most one per connection per run); those are
  // committed but their answers are not counted, so the log may hold up to that many more events than 2xx seen.
  const consistent = stored >= answered && stored <= answered + 3 * CONNECTIONS;
  const figures: Figure[] = [
    {
      name: `Relay ingest throughput (64 conns)${on}`,
      value: relayRuns.throughput.rps,
      unit: 'req/s',
      baseline: bareRuns.throughput.rps,
      baselineLabel: 'bare node:http server that reads the body and answers 200, same load',
      target: { op: '>=', value: 0.5, on: 'ratio' },
    },
    {
      name: `Relay ingest p99 at ${RATE.toLocaleString('en-US')}/s${on}`,
      value: relayRuns.rated.p99,
      unit: 'ms',
      baseline: bareRuns.rated.p99,
      baselineLabel: `bare node:http server at ${RATE.toLocaleString('en-US')}/s (autocannon overallRate)`,
      target: { op: '<=', value: 25, on: 'value' },
    },
  ];
  return {
    bench: databaseUrl ? 'relay-ingest-pg' : 'relay-ingest',
    title: `Relay ingest${on}`,
    figures,
    details: {
      bodyBytes: Buffer.byteLength(bodies[0]?.body ?? ''),
      connections: CONNECTIONS,
      secondsPerRun: seconds,
      channels: CHANNELS,
      rateLimits: 'RELAY_RATE_LIMIT_IP_PER_MIN, _CHANNEL_PER_MIN and _API_PER_MIN raised to 1,000,000 and RELAY_MAX_CONNECTIONS_PER_IP=0 (no cap) for the bench',
      logging: 'relay logs at info (pino-http, one JSON line per request) into a discarding stream',
      bare: bareRuns,
      relay: relayRuns,
      relay2xx: answered,
      relayStoredEvents: stored,
      everyAnswerStored: consistent,
    },
    ...(consistent ? {} : { error: `relay answered 2xx ${answered} times but stored ${stored} events` }),
    seconds: (performance.now() - started) / 1000,
  };
}
