import { setMaxListeners } from 'node:events';
import http from 'node:http';
import { CALCOM_SIGNATURE_HEADER, CALCOM_WEBHOOK_VERSION } from '../common/calcom';
import { openLoop } from './paced-load';
import { epochNow } from './stats';
import type { SignedBody } from './webhook-bodies';

/**
 * The end-to-end bench's Cal.com: POSTs signed webhooks to the relay on a fixed schedule, in a process of its own so
 * the sender's HTTP work does not share an event loop with the app side being timed (Cal.com is another machine).
 * Times are wall-clock epoch milliseconds (timeOrigin + now), so the parent can set them against its own clock.
 */

export interface PosterRun {
  readonly type: 'run';
  readonly ingestUrl: string;
  readonly bodies: readonly SignedBody[];
  readonly rate: number;
  /** Give up on answers this long after the last send (they count as failed, as they would at Cal.com). */
  readonly drainMs: number;
}

export interface PosterOutcome {
  readonly uid: string;
  /** When the webhook was due (epoch ms); latencies count from here, not from when it went out. */
  readonly dueAt: number;
  /** Milliseconds from dueAt to the relay's 200, or null when it never answered 200. */
  readonly ackMs: number | null;
}

/** POSTs one webhook on a fresh connection, as Cal.com's sender does; resolves with the status code. */
function post(url: URL, b: SignedBody, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
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

async function run(r: PosterRun): Promise<PosterOutcome[]> {
  const url = new URL(r.ingestUrl);
  const abort = new AbortController();
  // One signal for every POST of the run (each adds a listener): not a leak, so no warning.
  setMaxListeners(0, abort.signal);
  const outcomes: PosterOutcome[] = [];
  const pending = new Set<Promise<void>>();
  await openLoop(
    r.bodies.length,
    r.rate,
    (i, dueAt) => {
      const b = r.bodies[i] as SignedBody;
      const p = post(url, b, abort.signal).then(
        (code) => void outcomes.push({ uid: b.uid, dueAt, ackMs: code === 200 ? epochNow() - dueAt : null }),
        () => void outcomes.push({ uid: b.uid, dueAt, ackMs: null }),
      );
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    epochNow,
  );
  const timer = setTimeout(() => abort.abort(), r.drainMs);
  while (pending.size > 0) await Promise.all(pending);
  clearTimeout(timer);
  return outcomes;
}

process.on('message', (msg: PosterRun) => {
  if (msg.type !== 'run') return;
  void run(msg).then((outcomes) => process.send?.({ type: 'done', outcomes }));
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
