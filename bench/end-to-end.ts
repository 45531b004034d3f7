import { setMaxListeners } from 'node:events';
import http from 'node:http';
import { join } from 'node:path';
import { CALCOM_SIGNATURE_HEADER, CALCOM_WEBHOOK_VERSION } from '../common/calcom';
import { openBookingStore } from '../main/core/bookings/booking-store';
import { createSyncEngine } from '../main/core/sync/sync-engine';
import type { BenchContext, BenchResult, Figure } from './report';
import { benchRelayEnv, createChannel, startServerProcess } from './server-process';
import { sleep, summarize, waitUntil } from './stats';
import { signedCreatedBodies } from './webhook-bodies';
import type { SignedBody } from './webhook-bodies';

/**
 * 2. End to end: a signed Cal.com webhook POSTed to the relay (as the sandbox's sender does: one fresh connection per
 * delivery) → durable commit → SSE → the app's real smee-client → its loopback receiver → verify → booking committed
 * in the app's SQLite, timed until the sync engine's onBookingsChanged names the booking. The relay runs in its own
 * process (it is a remote service); the app side runs here. Baseline: the ingest POST round trip of the same events.
 */

const SECRET = 'bench-e2e-webhook-secret-0123456789';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** POSTs one webhook on a fresh connection; resolves when the relay has answered. */
function post(ingestUrl: URL, b: SignedBody, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: ingestUrl.hostname,
        port: ingestUrl.port,
        path: ingestUrl.pathname,
        method: 'POST',
        agent: false,
        signal,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(b.body),
          [CALCOM_SIGNATURE_HEADER]: b.signature,
          'x-cal-webhook-version': CALCOM_WEBHOOK_VERSION,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('ingest timeout')));
    req.on('error', reject);
    req.end(b.body);
  });
}

interface PhaseResult {
  readonly rate: number;
  readonly sent: number;
  readonly applied: number;
  readonly failedPosts: number;
  readonly endToEnd: ReturnType<typeof summarize>;
  readonly ingest: ReturnType<typeof summarize>;
}

/** Runs the end-to-end bench. */
export async function benchEndToEnd(ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now();
  const phases = ctx.quick
    ? [
        { rate: 100, seconds: 1 },
        { rate: 1000, seconds: 0.3 },
      ]
    : [
        { rate: 100, seconds: 10 },
        { rate: 1000, seconds: 2 },
      ];
  // After the last send, a phase gets this long for every answer and every booking; a saturated relay can't stretch it.
  const drainMs = ctx.quick ? 10_000 : 30_000;
  const relay = await startServerProcess('relay', {
    ...benchRelayEnv,
    RELAY_PORT: '0',
    RELAY_DATA_DIR: join(ctx.workDir, 'e2e-relay'),
  });
  const store = openBookingStore(join(ctx.workDir, 'e2e-bookings.db'));
  const appliedAt = new Map<string, number>();
  let status = 'idle';
  const channel = await createChannel(relay.url, SECRET);
  const engine = createSyncEngine({
    store,
    fetch,
    random: Math.random,
    channel: { relayUrl: relay.url, channelId: channel.id, token: channel.token, streamUrl: channel.streamUrl },
    webhookSecret: async () => SECRET,
    bookingsSource: { readBookingsPage: async () => ({ items: [], hasNextPage: false, totalItems: 0 }) },
    logger: quiet,
    onBookingsChanged: (uids) => {
      const t = performance.now();
      for (const u of uids) if (!appliedAt.has(u)) appliedAt.set(u, t);
    },
    onState: (s) => (status = s.status),
    onLastSynced: () => undefined,
  });
  const results: PhaseResult[] = [];
  let error: string | undefined;
  try {
    await engine.start();
    if (!(await waitUntil(() => status === 'live', 15_000)))
      throw new Error(`sync engine not live after 15 s (status ${status})`);
    const ingestUrl = new URL(channel.ingestUrl);
    let offset = 0;
    for (const { rate, seconds } of phases) {
      ctx.log(`end to end: ${rate}/s for ${seconds} s`);
      const n = Math.round(rate * seconds);
      const bodies = signedCreatedBodies(n, SECRET, Date.UTC(2031, 0, 6, 9) + offset * 3_600_000);
      offset += n;
      const postedAt = new Map<string, number>();
      const ackAfter: number[] = [];
      let failed = 0;
      let settled = 0;
      const abort = new AbortController();
      // One signal for every POST of the phase (each adds a listener): not a leak, so no warning.
      setMaxListeners(0, abort.signal);
      const t0 = performance.now();
      let sent = 0;
      // Open loop: each event goes out at its scheduled time whatever happened to earlier ones.
      while (sent < n) {
        const due = Math.min(n, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
        for (; sent < due; sent++) {
          const b = bodies[sent] as SignedBody;
          const at = performance.now();
          postedAt.set(b.uid, at);
          post(ingestUrl, b, abort.signal)
            .then(
              (code) => {
                if (code === 200) ackAfter.push(performance.now() - at);
                else failed++;
              },
              () => void failed++,
            )
            .finally(() => settled++);
        }
        await sleep(1);
      }
      await waitUntil(() => settled === n && bodies.every((b) => appliedAt.has(b.uid)), drainMs, 10);
      // Whatever is still unanswered now counts as failed (it would have timed out at Cal.com too).
      abort.abort();
      await waitUntil(() => settled === n, 5_000, 10);
      // An event never applied (or never answered) within the phase counts as infinitely late, not as missing:
      // dropping it would flatter the percentiles exactly when the system is overloaded.
      const e2e = bodies.map((b) => {
        const a = appliedAt.get(b.uid);
        const p = postedAt.get(b.uid);
        return a !== undefined && p !== undefined ? a - p : Number.POSITIVE_INFINITY;
      });
      const ingest = [...ackAfter, ...Array.from({ length: failed }, () => Number.POSITIVE_INFINITY)];
      const applied = e2e.filter(Number.isFinite).length;
      results.push({
        rate,
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
    await engine.stop().catch(() => undefined);
    store.close();
    await relay.stop();
  }

  const figures: Figure[] = results.flatMap((r) => {
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
      path: 'POST /hooks/:id (fresh connection) → relay commit → SSE → smee-client → receiver → SQLite',
    },
    ...(error ? { error } : {}),
    seconds: (performance.now() - started) / 1000,
  };
}
