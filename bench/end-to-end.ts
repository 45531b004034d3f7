import { join } from 'node:path';
import type { BenchContext, BenchResult, Figure } from './report';
import { benchRelayEnv, createChannel, forkBenchChild, startServerProcess, stopBenchChild } from './server-process';
import { sleep, summarize, waitUntil } from './stats';
import { signedCreatedBodies } from './webhook-bodies';
import type { AppChildStart } from './e2e-app-child';
import type { PosterOutcome, PosterRun } from './webhook-poster-child';

/**
 * 2. End to end: a signed Cal.com webhook POSTed to the relay (as the sandbox's sender does: one fresh connection per
 * delivery) → durable commit → SSE → the app's real smee-client → its loopback receiver → verify → booking committed
 * in the app's SQLite, timed until the sync engine's onBookingsChanged names the booking. Three processes, as in
 * production: the relay (a remote service), the sender (webhook-poster-child.ts, Cal.com) and the app side
 * (e2e-app-child.ts). Here, the sender's HTTP work took 40–60% of the event loop the app side was timed on, and the
 * heap the earlier benches left in this process put their major GCs into its timings. Times cross processes as
 * wall-clock epoch milliseconds. Baseline: the ingest POST round trip of the same events.
 */

const SECRET = 'bench-e2e-webhook-secret-0123456789';

/** The poster child (bench/webhook-poster-child.ts): Cal.com's side, on its own event loop. */
async function startPoster(): Promise<{
  run: (r: Omit<PosterRun, 'type'>) => Promise<PosterOutcome[]>;
  stop: () => void;
}> {
  const { child } = await forkBenchChild('webhook-poster-child');
  return {
    run: (r) =>
      new Promise((resolve) => {
        const onMessage = (msg: { type?: string; outcomes?: PosterOutcome[] }) => {
          if (msg.type !== 'done') return;
          child.off('message', onMessage);
          resolve(msg.outcomes ?? []);
        };
        child.on('message', onMessage);
        child.send({ type: 'run', ...r } satisfies PosterRun);
      }),
    stop: () => child.kill(),
  };
}

interface PhaseResult {
  readonly rate: number;
  readonly warmUp: boolean;
  readonly sent: number;
  readonly applied: number;
  readonly failedPosts: number;
  readonly endToEnd: ReturnType<typeof summarize>;
  readonly ingest: ReturnType<typeof summarize>;
}

/** The app child (bench/e2e-app-child.ts): fills `appliedAt` with each booking's epoch time of application. */
async function startApp(appliedAt: Map<string, number>): Promise<{
  start: (s: AppChildStart) => Promise<void>;
  stop: () => Promise<void>;
}> {
  const { child } = await forkBenchChild('e2e-app-child');
  let live = () => undefined as void;
  let failed = (_err: Error) => undefined as void;
  child.on('message', (msg: { type: string; applied?: Array<[string, number]>; error?: string }) => {
    if (msg.type === 'applied') {
      for (const [u, t] of msg.applied ?? []) if (!appliedAt.has(u)) appliedAt.set(u, t);
    } else if (msg.type === 'live') live();
    else if (msg.type === 'failed') failed(new Error(`app child: ${msg.error}`));
  });
  return {
    start: (s) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('sync engine not live after 15 s')), 15_000);
        live = () => {
          clearTimeout(timer);
          resolve();
        };
        failed = (err) => {
          clearTimeout(timer);
          reject(err);
        };
        child.send(s);
      }),
    stop: () => stopBenchChild(child, 10_000),
  };
}

/** Runs the end-to-end bench. */
export async function benchEndToEnd(ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now();
  // The first phase warms both sides up (JIT, the relay's mail thread, SQLite pages) and is reported in details
  // only: the targets are about a relay and an app that are already running, not their first second.
  const phases = ctx.quick
    ? [
        { rate: 100, seconds: 0.5, warmUp: true },
        { rate: 100, seconds: 1, warmUp: false },
        { rate: 1000, seconds: 0.3, warmUp: false },
      ]
    : [
        { rate: 100, seconds: 3, warmUp: true },
        { rate: 100, seconds: 10, warmUp: false },
        { rate: 1000, seconds: 2, warmUp: false },
      ];
  // After the last send, a phase gets this long for every answer and every booking; a saturated relay can't stretch it.
  const drainMs = ctx.quick ? 10_000 : 30_000;
  const relay = await startServerProcess('relay', {
    ...benchRelayEnv,
    RELAY_PORT: '0',
    RELAY_DATA_DIR: join(ctx.workDir, 'e2e-relay'),
  });
  const appliedAt = new Map<string, number>();
  const channel = await createChannel(relay.url, SECRET);
  const app = await startApp(appliedAt);
  const results: PhaseResult[] = [];
  const poster = await startPoster();
  let error: string | undefined;
  try {
    await app.start({
      type: 'start',
      dbFile: join(ctx.workDir, 'e2e-bookings.db'),
      secret: SECRET,
      channel: { relayUrl: relay.url, channelId: channel.id, token: channel.token, streamUrl: channel.streamUrl },
    });
    let offset = 0;
    for (const { rate, seconds, warmUp } of phases) {
      ctx.log(`end to end: ${rate}/s for ${seconds} s${warmUp ? ' (warm-up, not in the figures)' : ''}`);
      const n = Math.round(rate * seconds);
      const bodies = signedCreatedBodies(n, SECRET, Date.UTC(2031, 0, 6, 9) + offset * 3_600_000);
      offset += n;
      const outcomes = await poster.run({ ingestUrl: channel.ingestUrl, bodies, rate, drainMs });
      // Every answer is in (or given up on); the app side then gets drainMs more to apply what it has not yet.
      await waitUntil(() => bodies.every((b) => appliedAt.has(b.uid)), drainMs, 10);
      const dueAt = new Map(outcomes.map((o) => [o.uid, o.dueAt]));
      const acks = outcomes.flatMap((o) => (o.ackMs === null ? [] : [o.ackMs]));
      const failed = n - acks.length;
      // An event never applied (or never answered) within the phase counts as infinitely late, not as missing:
      // dropping it would flatter the percentiles exactly when the system is overloaded.
      const e2e = bodies.map((b) => {
        const a = appliedAt.get(b.uid);
        const d = dueAt.get(b.uid);
        return a !== undefined && d !== undefined ? a - d : Number.POSITIVE_INFINITY;
      });
      const ingest = [...acks, ...Array.from({ length: failed }, () => Number.POSITIVE_INFINITY)];
      const applied = e2e.filter(Number.isFinite).length;
      results.push({
        rate,
        warmUp,
        sent: n,
        applied,
        failedPosts: failed,
        endToEnd: summarize(e2e),
        ingest: summarize(ingest),
      });
      await sleep(300);
    }
  } catch (err) {
    error = String(err);
  } finally {
    await app.stop();
    await relay.stop();
    poster.stop();
  }

  const figures: Figure[] = results
    .filter((r) => !r.warmUp)
    .flatMap((r) => {
      const rate = `${r.rate.toLocaleString('en-US')}/s`;
      const label = `ingest POST round trip of the same events (relay answered 200 after commit)`;
      return [
        {
          name: `End to end p50 at ${rate}`,
          value: r.endToEnd.p50,
          unit: 'ms',
          baseline: r.ingest.p50,
          baselineLabel: label,
        },
        {
          name: `End to end p99 at ${rate}`,
          value: r.endToEnd.p99,
          unit: 'ms',
          baseline: r.ingest.p99,
          baselineLabel: label,
          ...(r.rate === 100 ? { target: { op: '<=' as const, value: 50, on: 'value' as const } } : {}),
        },
      ];
    });
  const incomplete = results.filter((r) => r.applied < r.sent || r.failedPosts > 0);
  if (!error && incomplete.length > 0)
    error = incomplete
      .map(
        (r) => `${r.rate}/s: ${r.applied}/${r.sent} applied, ${r.failedPosts} ingest POSTs got no 200 within the phase`,
      )
      .join('; ');
  return {
    bench: 'end-to-end',
    title: 'End to end',
    figures,
    details: {
      phases: results,
      path: 'POST /hooks/:id (fresh connection, from a child process) → relay commit → SSE → smee-client → receiver → SQLite',
      warmUp: 'the first phase is a warm-up at 100/s, reported here and left out of the figures',
    },
    ...(error ? { error } : {}),
    seconds: (performance.now() - started) / 1000,
  };
}
