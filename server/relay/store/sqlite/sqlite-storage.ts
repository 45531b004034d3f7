import type Database from 'better-sqlite3';
import type { RelayStorage, StorageHooks } from '../relay-storage';
import { createSqliteOutboxStore } from './sqlite-outbox-store';
import { createSqliteProfileStore } from './sqlite-profile-store';
import { openSqliteStore } from './sqlite-store';
import { createSqliteTrustStore } from './sqlite-trust-store';
import { startWalCheckpointer } from './wal-checkpointer';

/** The SQLite bundle; `database` is the file's handle, for tests that fault the file itself (tests/reliability). */
export type SqliteStorage = RelayStorage & { readonly engine: 'sqlite'; readonly database: Database.Database };

/** Everything in one SQLite file; while webhooks arrive fast, a worker thread checkpoints it off the event loop. */
export function openSqliteStorage(file: string, hooks: StorageHooks = {}): SqliteStorage {
  // Opening writes nothing durably, so the checkpointer exists before the first call.
  const gate = () => checkpointer.gate();
  const events = openSqliteStore(file, { onDurableWrite: (rows) => checkpointer.wake(rows), gate });
  const { database, durable } = events;
  const checkpointer = startWalCheckpointer(database, { onError: (err) => hooks.onCheckpointError?.(err) });
  // Profiles are answered to their author, so their writes wait for the fsync like events do. Outbox writes don't:
  // the outbox is planned from the event log, and a power cut that drops the last outbox commits drops their
  // cursor moves too, so catch-up plans those events again (rows are keyed: no duplicates); a lost "sent" mark
  // means one email sent twice, which at-least-once mail allows. The next event fsync persists them anyway.
  // Trust decisions (approval, bindings) are answered to their author too: fsynced like profiles.
  return {
    engine: 'sqlite',
    database,
    events,
    outbox: createSqliteOutboxStore(database, gate),
    profiles: createSqliteProfileStore(database, durable, gate),
    trust: createSqliteTrustStore(database, durable, gate),
    async close() {
      // The checkpoint thread has its own connection to the file: stop it before the file closes.
      await checkpointer.stop();
      await events.close();
    },
  };
}
