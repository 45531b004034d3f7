// Test support (wal-checkpointer.test.ts): opens the relay's SQLite storage in the folder given, writes fast enough
// to start its checkpoint thread, then closes it with nothing else keeping the event loop alive, as a relay does
// once its server has closed. Prints "closed" only if close() resolved.
import path from 'node:path';
import { openSqliteStorage } from '../../../../server/relay/store/sqlite/sqlite-storage';

const dir = process.argv[2];
if (!dir) throw new Error('usage: close-storage-child.ts <folder>');
const storage = openSqliteStorage(path.join(dir, 'relay.sqlite'));
const id = 'c'.repeat(24);
await storage.events.createChannel({ id, tokenHash: Buffer.alloc(32), createdAt: 1 });
const event = {
  channelId: id,
  receivedAt: 1,
  contentType: 'application/json',
  headers: {},
  query: {},
  body: Buffer.from('{}'),
};
await storage.events.appendEvents(Array.from({ length: 60 }, () => event));
// The thread is up once the relay's connection has stopped checkpointing itself.
while (storage.database.pragma('wal_autocheckpoint', { simple: true }) !== 0) {
  await new Promise((r) => setTimeout(r, 10));
}
await storage.close();
console.log('closed');
