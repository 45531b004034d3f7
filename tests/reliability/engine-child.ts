/**
 * A desktop sync engine alone in a process (real smee-client, receiver and SQLite), for the app-kill fault test.
 * argv: <bookings.sqlite> <changes.log> <relayUrl> <channel JSON> <secret>. Prints `live` once streaming; each
 * change report is appended to the log synchronously, so a SIGKILL loses at most the report of the last commit.
 */
import { appendFileSync } from 'node:fs';
import type { CreateChannelResponse } from '../../common/relay';
import { openBookingStore } from '../../main/core/bookings/booking-store';
import { recordingEngine } from './sync-fixture';

const [file, changesLog, relayUrl, channelJson, secret] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const store = openBookingStore(file);
const channel = JSON.parse(channelJson) as CreateChannelResponse;
let announced = false;
const { engine } = recordingEngine(store, relayUrl, channel, secret, {
  onBookingsChanged: (uids) => appendFileSync(changesLog, uids.map((u) => `${u}\n`).join('')),
  onState: (s) => {
    if (s.status === 'live' && !announced) {
      announced = true;
      console.log('live');
    }
  },
});
await engine.start();
process.on('SIGTERM', () => {
  void engine.stop().then(() => {
    store.close();
    process.exit(0);
  });
});
