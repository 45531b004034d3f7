import { join } from 'node:path';
import { CALCOM_SIGNATURE_HEADER, CALCOM_WEBHOOK_VERSION } from '../common/calcom';
import type { PullResponse } from '../common/relay';
import { openBookingStore } from '../main/core/bookings/booking-store';
import { createSyncEngine } from '../main/core/sync/sync-engine';
import { profiled } from './in-process-profile';
import type { BenchContext, BenchResult, Figure } from './report';
import { benchRelayEnv, createChannel, mapLimit, request, startServerProcess } from './server-process';
import { waitUntil } from './stats';
import { signedCreatedBodies } from './webhook-bodies';

/**
 * 4. Catch-up: N webhooks committed on the relay while the app was closed; then a fresh sync engine starts (real
 * relay pull, verification, one inbox + bookings transaction per pulled page, acks) and is timed until every
 * booking is applied. Baseline: pulling the same N events from the relay's pull endpoint without applying them.
 */

const SECRET = 'bench-catchup-webhook-secret-012345';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Runs the catch-up bench. */
export async function benchCatchUp(ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now();
  const n = ctx.quick ? 1_000 : 10_000;
  const relay = await startServerProcess('relay', {
    ...benchRelayEnv,
    RELAY_PORT: '0',
    RELAY_DATA_DIR: join(ctx.workDir, 'catchup-relay'),
  });
  const store = openBookingStore(join(ctx.workDir, 'catchup-bookings.db'));
  let error: string | undefined;
  let pullSeconds = Number.NaN;
  let catchUpSeconds = Number.NaN;
  const applied = new Set<string>();
  try {
    const channel = await createChannel(relay.url, SECRET);
    ctx.log(`catch-up: queueing ${n} events on the relay`);
    const bodies = signedCreatedBodies(n, SECRET, Date.UTC(2032, 0, 5, 9));
    const statuses = await mapLimit(bodies, 32, (b) =>
      request('POST', channel.ingestUrl, {
        body: b.body,
        headers: { [CALCOM_SIGNATURE_HEADER]: b.signature, 'x-cal-webhook-version': CALCOM_WEBHOOK_VERSION },
      }).then((r) => r.status),
    );
    const refused = statuses.filter((s) => s !== 200).length;
    if (refused > 0) throw new Error(`${refused} of ${n} events were refused by the relay`);

    const auth = { authorization: `Bearer ${channel.token}` };
    const p0 = performance.now();
    for (let after = 0; after < n;) {
      const page = JSON.parse(
        (
          await request('GET', `${relay.url}/api/channels/${channel.id}/events?after=${after}&limit=1000`, {
            headers: auth,
          })
        ).body,
      ) as PullResponse;
      if (page.events.length === 0) break;
      after = page.events.at(-1)?.seq ?? after;
    }
    pullSeconds = (performance.now() - p0) / 1000;

    ctx.log(`catch-up: sync engine start → ${n} applied`);
    let status = 'idle';
    const engine = createSyncEngine({
      store,
      fetch,
      random: Math.random,
      channel: { relayUrl: relay.url, channelId: channel.id, token: channel.token, streamUrl: channel.streamUrl },
      webhookSecret: async () => SECRET,
      bookingsSource: { readBookingsPage: async () => ({ items: [], hasNextPage: false, totalItems: 0 }) },
      logger: quiet,
      onBookingsChanged: (uids) => uids.forEach((u) => applied.add(u)),
      onState: (s) => (status = s.status),
      onLastSynced: () => undefined,
    });
    const t0 = performance.now();
    try {
      const done = await profiled('catch-up', async () => {
        await engine.start();
        return waitUntil(() => applied.size >= n, 120_000, 2);
      });
      catchUpSeconds = (performance.now() - t0) / 1000;
      if (!done) throw new Error(`only ${applied.size} of ${n} applied after 120 s (status ${status})`);
    } finally {
      await engine.stop();
    }
  } catch (err) {
    error = String(err);
  } finally {
    store.close();
    await relay.stop();
  }

  const figures: Figure[] = [
    {
      name: `Catch-up rate (${n.toLocaleString('en-US')} queued events)`,
      value: n / catchUpSeconds,
      unit: 'events/s',
      baseline: n / pullSeconds,
      baselineLabel: 'pulling the same events from GET /api/channels/:id/events (1,000 a page) without applying them',
      target: { op: '>=', value: 2000, on: 'value' },
    },
  ];
  return {
    bench: 'catch-up',
    title: 'Catch-up',
    figures,
    details: {
      events: n,
      catchUpSeconds,
      pullSeconds,
      applied: applied.size,
      engineDefaults: 'pageSize 500, ackDelay 250 ms',
    },
    ...(error ? { error } : {}),
    seconds: (performance.now() - started) / 1000,
  };
}
