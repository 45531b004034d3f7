import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { nextTurn } from '../../next-turn';
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
  stored_bytes: number;
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

/**
 * Deleting a big channel, or a retention pass over many events, goes in chunks of at most this many rows and about
 * this many bytes (whichever comes first; at least one row), each its own short transaction, the event loop running
 * between them. With secure_delete every freed page is zeroed and written to the WAL: about 5-9 ms per MiB on the
 * event loop, so one DELETE of a 300 MiB channel froze every request for 1.3-2.4 s (security review 41). Measured
 * on 2026-12-05 (1 MiB, 64 KiB and 3 KB events): a 2 MiB chunk takes ~3 ms, or ~10 ms with the WAL checkpoint its
 * commit may run, with outliers to ~60 ms while the disk writes back; 4 MiB ~14 ms and 8 MiB 30-150 ms. 500 rows of
 * 3 KB take ~10 ms (1,000 rows ~22 ms).
 */
const CHUNK_ROWS = 500;
const CHUNK_BYTES = 2 * 1024 * 1024;

/** Where a retention pass goes on from: the last event it looked at, in (received_at, rowid) order. */
interface PruneCursor {
  readonly at: number;
  readonly r: number;
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
    /**
     * Called as each durable write (or `durable()` call) begins its fsync, with its row count: how busy the file is (a
     * chunk of a long delete counts its rows or its 4 KiB pages, whichever is more).
     */
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
    channelExists: db.prepare<[string], { x: number }>('SELECT 1 AS x FROM channels WHERE id = ?'),
    deleteChannel: db.prepare('DELETE FROM channels WHERE id = ?'),
    // A chunk's rows with their approximate size (length() of a blob reads its size, not its pages).
    channelChunk: db.prepare<[string, number], { r: number; n: number }>(
      `SELECT rowid AS r, length(body) + length(headers) + length(query) AS n
         FROM events WHERE channel_id = ? ORDER BY seq LIMIT ?`,
    ),
    deleteRow: db.prepare<[number]>('DELETE FROM events WHERE rowid = ?'),
    // Numbers the event and counts its bytes in one statement, unless the channel already holds maxChannelBytes
    // (migration 3's trigger takes the bytes off when the event goes).
    nextSeq: db.prepare<[number, string, number], { last_seq: number }>(
      `UPDATE channels SET last_seq = last_seq + 1, stored_bytes = stored_bytes + ?
        WHERE id = ? AND stored_bytes < ? RETURNING last_seq`,
    ),
    insertEvent: db.prepare(
      'INSERT INTO events (channel_id, seq, received_at, content_type, headers, query, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    listEvents: db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE channel_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    oldest: db.prepare<[string], { m: number | null }>('SELECT MIN(seq) AS m FROM events WHERE channel_id = ?'),
    abandoned: db.prepare<[number, number], { id: string }>(
      'SELECT id FROM channels WHERE secret IS NULL AND last_seq = 0 AND created_at < ? ORDER BY created_at LIMIT ?',
    ),
    ack: db.prepare('UPDATE channels SET acked_seq = MAX(acked_seq, MIN(?, last_seq)) WHERE id = ?'),
    // The next events older than both cutoffs in arrival order after the cursor, each marked whether retention takes
    // it: it looks at a bounded number of rows per chunk, and never again at those it keeps (unacked ones between
    // the two cutoffs: the acked window is the shorter).
    pruneScan: db.prepare<
      [{ unackedBefore: number; ackedBefore: number; before: number; at: number; r: number; limit: number }],
      { r: number; at: number; doomed: number; n: number }
    >(
      `SELECT e.rowid AS r, e.received_at AS at, length(e.body) + length(e.headers) + length(e.query) AS n,
              (e.received_at < @unackedBefore OR (e.received_at < @ackedBefore
                AND e.seq <= (SELECT c.acked_seq FROM channels c WHERE c.id = e.channel_id))) AS doomed
         FROM events e
        WHERE e.received_at < @before AND (e.received_at, e.rowid) > (@at, @r)
        ORDER BY e.received_at, e.rowid LIMIT @limit`,
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

  /**
   * Channels whose deletion is under way (deleteChannel), with its outcome. To this store they are gone from the
   * moment deleteChannel is called: appends get channel_not_found and reads find nothing, while their events go in
   * chunks and the channel row last, with whatever is left of them (ON DELETE CASCADE). Kept in memory: this file is
   * private to the process. A crash midway leaves the channel in place with its oldest events gone, as a prune does,
   * and its deletion unanswered.
   */
  const deletions = new Map<string, Promise<boolean>>();
  const gone = (id: string) => deletions.has(id);

  const append = db.transaction((batch: readonly NewEvent[], maxChannelBytes: number): AppendOutcome[] =>
    batch.map((e) => {
      if (gone(e.channelId)) return { ok: false, reason: 'channel_not_found' } as const;
      const headers = JSON.stringify(e.headers);
      const query = JSON.stringify(e.query);
      const bytes = e.body.length + Buffer.byteLength(headers) + Buffer.byteLength(query);
      const row = s.nextSeq.get(bytes, e.channelId, maxChannelBytes);
      if (!row) {
        return { ok: false, reason: s.channelExists.get(e.channelId) ? 'channel_full' : 'channel_not_found' } as const;
      }
      s.insertEvent.run(e.channelId, row.last_seq, e.receivedAt, e.contentType, headers, query, e.body);
      return { ok: true, event: { ...e, seq: row.last_seq } } as const;
    }),
  );
  /**
   * Deletes the rows in order (those not marked doomed = 0) until CHUNK_BYTES, at least one: how many rows it looked
   * at, and how many rows and bytes it deleted.
   */
  const deleteWithin = (candidates: ReadonlyArray<{ r: number; n: number; doomed?: number }>) => {
    let seen = 0;
    let rows = 0;
    let bytes = 0;
    for (const row of candidates) {
      if (bytes >= CHUNK_BYTES) break;
      seen++;
      if (row.doomed === 0) continue;
      rows += s.deleteRow.run(row.r).changes;
      bytes += row.n;
    }
    return { seen, rows, bytes };
  };
  /** One chunk of a channel's deletion; the last one (no events left) deletes the channel row too. */
  const removeChunk = db.transaction((id: string) => {
    if (!s.channelExists.get(id)) return { existed: false, done: true, rows: 0, bytes: 0 };
    const candidates = s.channelChunk.all(id, CHUNK_ROWS);
    const { seen, rows, bytes } = deleteWithin(candidates);
    const done = seen === candidates.length && candidates.length < CHUNK_ROWS;
    return { existed: true, done, rows: rows + (done ? s.deleteChannel.run(id).changes : 0), bytes };
  });
  const pruneChunk = db.transaction((cutoffs: { unackedBefore: number; ackedBefore: number }, after: PruneCursor) => {
    const candidates = s.pruneScan.all({
      ...cutoffs,
      before: Math.max(cutoffs.unackedBefore, cutoffs.ackedBefore),
      ...after,
      limit: CHUNK_ROWS,
    });
    const { seen, rows, bytes } = deleteWithin(candidates);
    const last = candidates[seen - 1];
    const next: PruneCursor | undefined =
      last && (seen < candidates.length || candidates.length === CHUNK_ROWS) ? { at: last.at, r: last.r } : undefined;
    return { rows, bytes, next };
  });

  /**
   * TRUNCATE gives up (busy) while the checkpoint thread or a reader holds the WAL; until it succeeds the file keeps
   * the pre-delete pages and the WAL the old frames, so try again for a short while instead of trusting one call.
   * Both run on the event loop: a PASSIVE checkpoint first copies what the chunks' own checkpoints left (a chunk or
   * two, with its fsyncs), and TRUNCATE on a later turn has only the WAL file to cut (which costs with the file's size,
   * ~30 ms for 70 MiB: the high-water mark of earlier commits, no longer the deleted channel's size).
   */
  const checkpointFully = async (): Promise<void> => {
    if (open) db.pragma('wal_checkpoint(PASSIVE)');
    await nextTurn();
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
  /**
   * One chunk of a long delete, written like every other write (after the checkpointer's hold, durable before the
   * next chunk), in a transaction of its own that takes the write lock before it reads what to delete. A chunk that
   * deleted nothing wrote nothing: no fsync. Its weight for the checkpointer is its rows or its 4 KiB pages, whichever
   * is more: the checkpointer counts webhooks of a few KiB, and a 2 MiB chunk of two events writes 512 zeroed pages,
   * so a long delete soon moves the checkpoints of its pages off the event loop, as a busy second of webhooks does.
   */
  const writeChunk = <T extends { rows: number; bytes: number }>(fn: () => T): Promise<T> =>
    afterGate(options.gate, () =>
      guard(fn).then(async (result) => {
        if (result.rows > 0) await sync(Math.max(result.rows, Math.ceil(result.bytes / 4096)));
        return result;
      }),
    );

  const removeChannel = async (id: string): Promise<boolean> => {
    let existed = false;
    for (;;) {
      const chunk = await writeChunk(() => removeChunk.immediate(id));
      existed ||= chunk.existed;
      if (chunk.done) break;
      await nextTurn();
    }
    // The WAL still holds the pre-delete pages: copy the zeroed ones into the file and empty the WAL now. The
    // chunks' commits checkpointed along the way (the connection's own checkpoint or the checkpoint thread), so at
    // most a chunk or two is left to copy.
    if (existed) await checkpointFully();
    return existed;
  };

  return {
    database: db,
    durable: () => sync(),
    createChannel: (c) => guardWrite(() => void s.insertChannel.run(c.id, c.tokenHash, c.createdAt)),
    getChannel: (id) =>
      guard((): ChannelRecord | undefined => {
        const r = gone(id) ? undefined : s.getChannel.get(id);
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
    setSecret: (id, secret) => guardWrite(() => !gone(id) && s.setSecret.run(secret, id).changes > 0),
    deleteChannel: (id) => {
      // A second call while one runs waits for it: once either resolves, the channel and its events are gone.
      const running = deletions.get(id);
      if (running) return running.then(() => false);
      const removal = Promise.resolve()
        .then(() => removeChannel(id))
        .finally(() => deletions.delete(id));
      deletions.set(id, removal);
      return removal;
    },
    appendEvents: (batch, maxChannelBytes = Number.MAX_SAFE_INTEGER) =>
      guardWrite(() => append(batch, maxChannelBytes), batch.length),
    listEvents: (channelId, afterSeq, limit, maxBytes = Infinity) =>
      guard(() =>
        gone(channelId)
          ? []
          : takeWithin(s.listEvents.iterate(channelId, afterSeq, limit), { limit, maxBytes }).map(toEvent),
      ),
    abandonedChannels: (createdBefore, limit) => guard(() => s.abandoned.all(createdBefore, limit).map((r) => r.id)),
    bounds: (channelId) =>
      guard((): ChannelBounds | undefined => {
        const c = gone(channelId) ? undefined : s.getChannel.get(channelId);
        if (!c) return undefined;
        return {
          lastSeq: c.last_seq,
          oldestSeq: s.oldest.get(channelId)?.m ?? 0,
          ackedSeq: c.acked_seq,
          storedBytes: c.stored_bytes,
        };
      }),
    ack: (channelId, upTo) =>
      guardWrite(() => {
        if (gone(channelId)) return 0;
        s.ack.run(upTo, channelId);
        return s.getChannel.get(channelId)?.acked_seq ?? 0;
      }),
    prune: async (cutoffs) => {
      let total = 0;
      for (let after: PruneCursor | undefined = { at: Number.MIN_SAFE_INTEGER, r: 0 }; after;) {
        const from: PruneCursor = after;
        const chunk = await writeChunk(() => pruneChunk.immediate(cutoffs, from));
        total += chunk.rows;
        after = chunk.next;
        if (after) await nextTurn();
      }
      return total;
    },
    backlog: () => guard(() => s.backlog.all().filter((b) => !gone(b.channelId))),
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
