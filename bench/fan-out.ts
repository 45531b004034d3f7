import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { CALCOM_SIGNATURE_HEADER } from '../common/calcom';
import type { CreateChannelResponse } from '../common/relay';
import type { BenchContext, BenchResult, Figure } from './report';
import { benchRelayEnv, createChannel, mapLimit, request, startServerProcess } from './server-process';
import type { ProcessMemory, ServerProcess } from './server-process';
import { sleep, summarize } from './stats';
import { signedCreatedBodies } from './webhook-bodies';

/**
 * 3. Fan-out: N idle SSE subscribers on one relay process, one channel each, opened with raw node:http clients.
 * Memory per idle connection = (RSS after − RSS before, both after a forced GC in the relay's process) / N; then
 * the time for an event POSTed to a channel to reach that channel's subscriber while all N stay connected.
 * Baseline: the bare node:http child holding the same N event streams and relaying POSTs to them in memory.
 */

const SECRET = 'bench-fanout-webhook-secret-0123456';
const KIB = 1024;

interface Subscriber {
  readonly req: http.ClientRequest;
  /** Set while a delivery is being timed: called on the next `data: {"…` line. */
  waiting: (() => void) | undefined;
}

/** Opens one event stream; resolves once the `ready` event has arrived. */
function subscribe(url: string, token: string | undefined): Promise<Subscriber> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      method: 'GET',
      agent: false,
      headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    const sub: Subscriber = { req, waiting: undefined };
    let ready = false;
    const timer = setTimeout(() => req.destroy(new Error('no ready event within 30 s')), 30_000);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        res.resume();
        reject(new Error(`stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (!ready && chunk.includes('event: ready')) {
          ready = true;
          clearTimeout(timer);
          resolve(sub);
        }
        if (sub.waiting && chunk.includes('data: {"')) {
          const done = sub.waiting;
          sub.waiting = undefined;
          done();
        }
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      if (!ready) reject(err);
    });
    req.end();
  });
}

interface Side {
  readonly before: ProcessMemory;
  readonly after: ProcessMemory;
  readonly connected: number;
  readonly delivery: ReturnType<typeof summarize>;
  readonly openSeconds: number;
}

/** Connects `targets.length` subscribers to `server`, measures memory and sampled delivery, disconnects. */
async function measureSide(
  server: ServerProcess,
  targets: readonly { path: string; token?: string; ingestHeaders?: (body: string) => Record<string, string> }[],
  sample: number,
  bodies: readonly string[],
): Promise<Side> {
  await sleep(300);
  const before = await server.memory();
  const t0 = performance.now();
  // Bounded concurrency: the listen backlog (511) must not overflow while thousands connect.
  const subs = await mapLimit(targets, 64, (t) => subscribe(`${server.url}${t.path}`, t.token));
  const openSeconds = (performance.now() - t0) / 1000;
  await sleep(500);
  const after = await server.memory();
  const times: number[] = [];
  try {
    const step = Math.max(1, Math.floor(targets.length / sample));
    for (let k = 0; k < sample; k++) {
      const i = (k * step) % targets.length;
      const t = targets[i] as (typeof targets)[number];
      const sub = subs[i] as Subscriber;
      const body = bodies[k % bodies.length] as string;
      const start = performance.now();
      const arrived = new Promise<number>((resolve) => (sub.waiting = () => resolve(performance.now() - start)));
      const posted = await request('POST', `${server.url}${t.path}`, { body, headers: t.ingestHeaders?.(body) ?? {} });
      if (posted.status !== 200) throw new Error(`ingest answered ${posted.status}`);
      times.push(await Promise.race([arrived, sleep(10_000).then(() => Number.NaN)]));
    }
  } finally {
    for (const s of subs) s.req.destroy();
  }
  return { before, after, connected: subs.length, delivery: summarize(times.filter(Number.isFinite)), openSeconds };
}

/** This process's open-file limit (Linux /proc), or undefined where it can't be read. */
function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the fan-out bench. */
export async function benchFanOut(ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now();
  const wanted = ctx.quick ? 200 : 5000;
  // Each stream is one socket here and one in the server child (which inherits this limit); keep headroom.
  const limit = openFileLimit();
  const n = limit === undefined ? wanted : Math.min(wanted, limit - 256);
  if (n < wanted) ctx.log(`fan-out: open-file limit ${limit} allows ${n} streams, not ${wanted} (raise ulimit -n)`);
  const sample = ctx.quick ? 20 : 200;
  const bodies = signedCreatedBodies(sample, SECRET);
  const sigOf = new Map(bodies.map((b) => [b.body, b.signature]));

  ctx.log(`fan-out: bare baseline, ${n} streams`);
  const bare = await startServerProcess('bare');
  let bareSide: Side;
  try {
    bareSide = await measureSide(
      bare,
      Array.from({ length: n }, (_, i) => ({ path: `/hooks/c${i}` })),
      sample,
      bodies.map((b) => b.body),
    );
  } finally {
    await bare.stop();
  }

  ctx.log(`fan-out: relay, creating ${n} channels`);
  const relay = await startServerProcess('relay', {
    ...benchRelayEnv,
    RELAY_PORT: '0',
    RELAY_DATA_DIR: join(ctx.workDir, 'fanout-relay'),
    RELAY_MAX_STREAMS: String(n + 100),
  });
  let relaySide: Side;
  try {
    const step = Math.max(1, Math.floor(n / sample));
    const sampled = new Set(Array.from({ length: sample }, (_, k) => (k * step) % n));
    // Secrets only where events are posted: the others stay idle, and each PUT is one more fsync.
    const channels: CreateChannelResponse[] = await mapLimit(
      Array.from({ length: n }, (_, i) => i),
      16,
      (i) => createChannel(relay.url, sampled.has(i) ? SECRET : undefined),
    );
    ctx.log(`fan-out: relay, ${n} streams`);
    relaySide = await measureSide(
      relay,
      channels.map((c) => ({
        path: new URL(c.streamUrl).pathname,
        token: c.token,
        ingestHeaders: (body: string) => ({ [CALCOM_SIGNATURE_HEADER]: sigOf.get(body) ?? '' }),
      })),
      sample,
      bodies.map((b) => b.body),
    );
  } finally {
    await relay.stop();
  }

  const perConn = (s: Side, key: 'rss' | 'heapUsed') => (s.after[key] - s.before[key]) / s.connected / KIB;
  const figures: Figure[] = [
    {
      name: `Fan-out memory per idle stream (RSS, ${n.toLocaleString('en-US')} streams)`,
      value: perConn(relaySide, 'rss'),
      unit: 'KiB',
      baseline: perConn(bareSide, 'rss'),
      baselineLabel: 'bare node:http child holding the same number of event streams',
      target: { op: '<=', value: 64, on: 'value' },
    },
    {
      name: `Fan-out delivery p99 (${n.toLocaleString('en-US')} connected)`,
      value: relaySide.delivery.p99,
      unit: 'ms',
      baseline: bareSide.delivery.p99,
      baselineLabel: 'bare child writing each POSTed body to its held stream (no auth, storage or commit)',
    },
  ];
  return {
    bench: 'fan-out',
    title: 'Fan-out',
    figures,
    details: {
      streams: n,
      openFileLimit: limit ?? 'unknown',
      sampledDeliveries: sample,
      relay: { ...relaySide, heapPerStreamKiB: perConn(relaySide, 'heapUsed') },
      bare: { ...bareSide, heapPerStreamKiB: perConn(bareSide, 'heapUsed') },
      note: 'RSS excludes kernel socket buffers; deliveries are posted one at a time, each timed from POST start to the subscriber reading it',
    },
    seconds: (performance.now() - started) / 1000,
  };
}
