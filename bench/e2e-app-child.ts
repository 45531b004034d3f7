import { openBookingStore } from '../main/core/bookings/booking-store';
import { createSyncEngine } from '../main/core/sync/sync-engine';
import { epochNow } from './stats';

/**
 * The end-to-end bench's app side, in a process of its own as the desktop app is: the real sync engine (smee-client
 * → loopback receiver → verify → SQLite) on a fresh booking database. Reports `live`, then each applied booking
 * with the wall-clock epoch time (timeOrigin + now) it was applied, so the parent can set it against the sender's.
 * In the bench process it shared a heap grown by the benches before it, and their major GCs landed in its timings.
 */

export interface AppChildStart {
  readonly type: 'start';
  readonly dbFile: string;
  readonly secret: string;
  readonly channel: { relayUrl: string; channelId: string; token: string; streamUrl: string };
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const send = (msg: unknown) => process.send?.(msg);

let stop: (() => Promise<void>) | undefined;

process.on('message', (msg: AppChildStart | { type: 'stop' }) => {
  if (msg.type === 'stop') {
    // The parent waits for the exit, which disconnecting brings (below).
    void (stop?.() ?? Promise.resolve()).finally(() => process.disconnect?.());
    return;
  }
  const store = openBookingStore(msg.dbFile);
  let live = false;
  // Applied bookings go to the parent in one message per turn, not one per booking.
  let applied: Array<[string, number]> = [];
  const flush = () => {
    const batch = applied;
    applied = [];
    send({ type: 'applied', applied: batch });
  };
  const engine = createSyncEngine({
    store,
    fetch,
    random: Math.random,
    channel: msg.channel,
    webhookSecret: async () => msg.secret,
    bookingsSource: { readBookingsPage: async () => ({ items: [], hasNextPage: false, totalItems: 0 }) },
    logger: quiet,
    onBookingsChanged: (uids) => {
      const t = epochNow();
      if (applied.length === 0) setImmediate(flush);
      for (const u of uids) applied.push([u, t]);
    },
    onState: (s) => {
      if (s.status === 'live' && !live) {
        live = true;
        send({ type: 'live' });
      }
    },
    onLastSynced: () => undefined,
  });
  stop = async () => {
    await engine.stop().catch(() => undefined);
    store.close();
  };
  engine.start().catch((err: unknown) => send({ type: 'failed', error: String(err) }));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
