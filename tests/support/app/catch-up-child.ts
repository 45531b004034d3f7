/**
 * Test support for catch-up-pages.test.ts: a catch-up alone in a process, SIGKILLed by its own store clock on
 * the clock's Nth reading, which falls inside a page's transaction (the store reads the clock for every event
 * it takes). argv: <bookings.sqlite> <changes.log> <relayUrl> <channelId> <token> <secret> <killAtClockRead>.
 */
import { appendFileSync } from 'node:fs';
import { openBookingStore } from '../../../main/core/bookings/booking-store';
import { createIntake } from '../../../main/core/sync/event-intake';
import { channelEventsOf, createRelayClient } from '../../../main/core/relay-client/relay-client';

const [file, changesLog, relayUrl, channelId, token, secret, killAt] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
let reads = 0;
const store = openBookingStore(file, {
  clock: {
    now() {
      reads += 1;
      if (reads === Number(killAt)) process.kill(process.pid, 'SIGKILL');
      return Date.now();
    },
  },
});
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const intake = createIntake({
  random: Math.random,
  store,
  channelId,
  api: channelEventsOf(createRelayClient({ relayUrl, fetch }), { channelId, token }),
  webhookSecret: async () => secret,
  logger: quiet,
  clock: { now: () => Date.now() },
  onChange: (c) => appendFileSync(changesLog, c.uids.map((u) => `${u}\n`).join('')),
  onActivity: () => undefined,
  gapDelayMs: 60_000,
  ackDelayMs: 60_000,
  pageSize: 10,
});
await intake.catchUp();
console.log('caught up');
