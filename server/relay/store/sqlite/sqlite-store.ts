import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { takeWithin } from '../event-page';
import { migrate } from './sqlite-migrations';
import { afterGate, type WriteGate } from './write-gate';
import { createWalSync } from './wal-sync';
import type { AppendOutcome, ChannelBounds, ChannelRecord, NewEvent, RelayStore, StoredEvent } from '../types';

interface ChannelRow {
  id: string;
  token_hash: Buffer;
  secret: string | null;
  created_at: number;
  last_seq: number;
  acked_seq: number;
}
interface EventRow {
  channel_id: string;
  seq: number;
  received_at: number;
  content_type: string;
  headers: string;
  query: string;
  body: Buffer;
}

const toEvent = (r: EventRow): StoredEvent => ({
  channelId: r.channel_id,
  seq: r.seq,
  receivedAt: r.received_at,
  contentType: r.content_type,
  headers: JSON.parse(r.headers) as Record<string, string>,
  query: JSON.parse(r.query) as Record<string, string>,
  body: r.body,
});

/**
 * The SQLite adapter, which also lends its connection to modules that keep their own tables in the same file.
 * Writes made directly on `database` are durable once `durable()` resolves (the connection commits without fsync).
 */
export type SqliteRelayStore = RelayStore & { readonly database: Database.Database; durable(): Promise<void> };

/**
 * Opens (creating if needed) a relay SQLite file in WAL mode. `full` (the default) fsyncs every commit so a resolved
 * write survives power loss: we answer 2xx after commit. `process` (synchronous=NORMAL) survives a crash of the
 * process but may lose its last commits to a power cut; only for data rebuilt from fully durable data (see
 * openModuleStores).
 */
export function openSqliteDatabase(file: string, durability: 'full' | 'process' = 'full'): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(durability === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Deleted rows (a closed channel's webhook secret, pruned event bodies with client details) are zeroed, not left
  // in free pages for anyone who later reads the file (issue 11: no secret outlives its channel on disk).
  db.pragma('secure_delete = ON');
  return db;
}

/**
 * Opens (creating if needed) the SQLite event log. Every write resolves only once it is on disk, as with
 * synchronous=FULL, but the fsync runs off the event loop and is shared by all commits made meanwhile (wal-sync.ts).
 */
export function openSqliteStore(
  file: string,
  options: {
    fsync?: (fd: number) => Promise<void>;
    /** Called as each durable write (or `durable()` call) begins its fsync, with its row count: how busy the file is. */
    onDurableWrite?: (rows: number) => void;
    /** The WAL checkpointer's hold, which writes wait for before they commit. */
    gate?: WriteGate;
  } = {},
): SqliteRelayStore {
  const db = openSqliteDatabase(file, 'process');
  migrate(db);
  const wal = createWalSync(file, options.fsync);
  const sync = (rows = 1) => {
    options.onDurableWrite?.(rows);
    return wal.sync();
  };

  const s = {
    insertChannel: db.prepare('INSERT INTO channels (id, token_hash, created_at) VALUES (?, ?, ?)'),
    getChannel: db.prepare<[string], ChannelRow>('SELECT * FROM channels WHERE id = ?'),
    setSecret: db.prepare('UPDATE channels SET secret = ? WHERE id = ?'),
    deleteEvents: db.prepare('DELETE FROM events WHERE channel_id = ?'),
    deleteChannel: db.prepare('DELETE FROM channels WHERE id = ?'),
    nextSeq: db.prepare<[string], { last_seq: number }>(
      'UPDATE channels SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq',
    ),
    insertEvent: db.prepare(
      'INSERT INTO events (channel_id, seq, received_at, content_type, headers, query, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    listEvents: db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE channel_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    oldest: db.prepare<[string], { m: number | null }>('SELECT MIN(seq) AS m FROM events WHERE channel_id = ?'),
    ack: db.prepare('UPDATE channels SET acked_seq = MAX(acked_seq, MIN(?, last_seq)) WHERE id = ?'),
    prune: db.prepare(
      `DELETE FROM events WHERE received_at < @unackedBefore
         OR (received_at < @ackedBefore AND seq <= (SELECT acked_seq FROM channels c WHERE c.id = events.channel_id))`,
    ),
    // From the cursors and each channel's oldest event (one index seek each), not a count over the events: see
    // RelayStore.backlog.
    backlog: db.prepare<[], { channelId: string; count: number }>(
      `SELECT id AS channelId, CASE WHEN oldest IS NULL THEN 0 ELSE last_seq - MAX(acked_seq, oldest - 1) END AS count
         FROM (SELECT c.id, c.last_seq, c.acked_seq,
                      (SELECT MIN(e.seq) FROM events e WHERE e.channel_id = c.id) AS oldest
                 FROM channels c)
        ORDER BY id`,
    ),
    ping: db.prepare('SELECT 1'),
  };

  const append = db.transaction((batch: readonly NewEvent[]): AppendOutcome[] =>
    batch.map((e) => {
      const row = s.nextSeq.get(e.channelId);
      if (!row) return { ok: false, reason: 'channel_not_found' } as const;
      s.insertEvent.run(
        e.channelId,
        row.last_seq,
        e.receivedAt,
        e.contentType,
        JSON.stringify(e.headers),
        JSON.stringify(e.query),
        e.body,
      );
      return { ok: true, event: { ...e, seq: row.last_seq } } as const;
    }),
  );
  const remove = db.transaction((id: string) => {
    s.deleteEvents.run(id);
    return s.deleteChannel.run(id).changes > 0;
  });

  /**
   * TRUNCATE gives up (busy) while the checkpoint thread or a reader holds the WAL; until it succeeds the file keeps
   * the pre-delete pages and the WAL the old frames, so try again for a short while instead of trusting one call.
   */
  const checkpointFully = async (): Promise<void> => {
    for (let attempt = 0; attempt < 80 && open; attempt++) {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{
        busy: number;
        log: number;
        checkpointed: number;
      }>;
      if (result && result.busy === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  let open = true;
  const guard = <T>(fn: () => T): Promise<T> => {
    try {
      if (!open) throw new Error('relay store is closed');
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  };

  const guardWrite = <T>(fn: () => T, rows = 1): Promise<T> =>
    afterGate(options.gate, () => guard(fn).then(async (result) => (await sync(rows), result)));

  return {
    database: db,
    durable: () => sync(),
    createChannel: (c) => guardWrite(() => void s.insertChannel.run(c.id, c.tokenHash, c.createdAt)),
    getChannel: (id) =>
      guard((): ChannelRecord | undefined => {
        const r = s.getChannel.get(id);
        return (
          r && {
            id: r.id,
            tokenHash: r.token_hash,
            secret: r.secret,
            createdAt: r.created_at,
            lastSeq: r.last_seq,
            ackedSeq: r.acked_seq,
          }
        );
      }),
    setSecret: (id, secret) => guardWrite(() => s.setSecret.run(secret, id).changes > 0),
    deleteChannel: async (id) => {
      const removed = await guardWrite(() => remove(id));
      // The WAL still holds the pre-delete pages: copy the zeroed ones into the file and empty the WAL now.
      if (removed) await checkpointFully();
      return removed;
    },
    appendEvents: (batch) => guardWrite(() => append(batch), batch.length),
    listEvents: (channelId, afterSeq, limit, maxBytes = Infinity) =>
      guard(() => takeWithin(s.listEvents.iterate(channelId, afterSeq, limit), { limit, maxBytes }).map(toEvent)),
    bounds: (channelId) =>
      guard((): ChannelBounds | undefined => {
        const c = s.getChannel.get(channelId);
        if (!c) return undefined;
        return { lastSeq: c.last_seq, oldestSeq: s.oldest.get(channelId)?.m ?? 0, ackedSeq: c.acked_seq };
      }),
    ack: (channelId, upTo) =>
      guardWrite(() => {
        s.ack.run(upTo, channelId);
        return s.getChannel.get(channelId)?.acked_seq ?? 0;
      }),
    prune: (cutoffs) => guardWrite(() => s.prune.run(cutoffs).changes),
    backlog: () => guard(() => s.backlog.all()),
    ping: () => guard(() => void s.ping.get()),
    close: async () => {
      if (open) {
        open = false;
        await wal.close();
        db.close();
      }
    },
  };
}
