import pg from 'pg';
import { migratePostgres } from './postgres-migrations';
import { listenForCommits, type CommitListenerOptions } from './postgres-notify';
import { appendBatch } from './postgres-append';
import type { ChannelBounds, ChannelRecord, RelayStore, StoredEvent } from '../types';

interface ChannelRow {
  id: string;
  token_hash: Buffer;
  secret: string | null;
  created_at: string;
  last_seq: string;
  acked_seq: string;
}
interface EventRow {
  channel_id: string;
  seq: string;
  received_at: string;
  content_type: string;
  headers: string;
  query: string;
  body: Buffer;
}

// int8 arrives as a string (it may exceed 2^53); ours are epoch ms and sequences, well inside the safe range.
const toChannel = (r: ChannelRow): ChannelRecord => ({
  id: r.id,
  tokenHash: r.token_hash,
  secret: r.secret,
  createdAt: Number(r.created_at),
  lastSeq: Number(r.last_seq),
  ackedSeq: Number(r.acked_seq),
});
const toEvent = (r: EventRow): StoredEvent => ({
  channelId: r.channel_id,
  seq: Number(r.seq),
  receivedAt: Number(r.received_at),
  contentType: r.content_type,
  headers: JSON.parse(r.headers) as Record<string, string>,
  query: JSON.parse(r.query) as Record<string, string>,
  body: r.body,
});

const LIST_EVENTS = 'SELECT * FROM events WHERE channel_id = $1 AND seq > $2 ORDER BY seq LIMIT $3';
/**
 * The same page cut by bytes in the query (event-page.ts), so bodies past the cut never leave the server: a running
 * sum of the body sizes before each row. octet_length reads a TOASTed body's size from its header, not the body.
 */
const LIST_EVENTS_WITHIN_BYTES = `SELECT channel_id, seq, received_at, content_type, headers, query, body FROM (
    SELECT e.*, sum(octet_length(e.body)) OVER (ORDER BY e.seq ROWS UNBOUNDED PRECEDING) - octet_length(e.body) AS before
      FROM events e WHERE e.channel_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3) page
  WHERE before < $4 ORDER BY seq`;

/**
 * One statement of a channel's deletion: its oldest events, at most DELETE_CHUNK_ROWS and no more once their bodies
 * reach DELETE_CHUNK_BYTES (at least one). octet_length reads a TOASTed body's size from its header.
 */
const DELETE_CHUNK_ROWS = 5000;
const DELETE_CHUNK_BYTES = 16 * 1024 * 1024;
const DELETE_EVENTS_CHUNK = `DELETE FROM events WHERE channel_id = $1 AND seq <= (
    SELECT max(seq) FROM (
      SELECT seq, sum(octet_length(body)) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) - octet_length(body) AS before
        FROM events WHERE channel_id = $1 ORDER BY seq LIMIT ${DELETE_CHUNK_ROWS}) page
     WHERE before < ${DELETE_CHUNK_BYTES})`;

/**
 * One statement of a retention pass: at most DELETE_CHUNK_ROWS events past retention, nobody else's (SKIP LOCKED: two
 * instances pruning at once split the work instead of queueing on each other's row locks), and no more once their
 * bodies reach DELETE_CHUNK_BYTES (at least one): 5,000 events of RELAY_BODY_LIMIT each were one statement of 5 GiB.
 * A query that locks rows can't run a window function, so the locked candidates are cut by bytes one level up; the
 * few locked past the cut are free again when the statement ends, for the next one.
 */
const PRUNE_CHUNK = `DELETE FROM events WHERE (channel_id, seq) IN (
    SELECT channel_id, seq FROM (
      SELECT l.channel_id, l.seq, sum(l.n) OVER (ROWS UNBOUNDED PRECEDING) - l.n AS before
        FROM (SELECT e.channel_id, e.seq, octet_length(e.body) AS n FROM events e JOIN channels ch ON ch.id = e.channel_id
               WHERE e.received_at < $1 OR (e.received_at < $2 AND e.seq <= ch.acked_seq)
               LIMIT ${DELETE_CHUNK_ROWS} FOR UPDATE OF e SKIP LOCKED) l) page
     WHERE before < ${DELETE_CHUNK_BYTES})`;

/** The PostgreSQL adapter, which also lends its pool to modules that keep their own tables in the same database. */
export type PostgresRelayStore = RelayStore & { readonly pool: pg.Pool };

export interface PostgresStoreOptions {
  readonly poolSize?: number;
  /** Reports errors of idle pooled connections and of the LISTEN connection (both recover on their own). */
  readonly onError?: (err: unknown) => void;
  readonly listen?: CommitListenerOptions;
}

/** Connects, migrates (under an advisory lock) and returns the store; rejects when the database is unusable. */
export async function openPostgresStore(
  connectionString: string,
  options: PostgresStoreOptions = {},
): Promise<PostgresRelayStore> {
  const clientConfig: pg.ClientConfig = { connectionString, application_name: 'lifescore-relay' };
  const poolConfig: pg.PoolConfig = {
    ...clientConfig,
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
    // An instance that dies mid-append without closing its socket (host crash) would otherwise hold its channels'
    // row locks until TCP keepalive gives up; our transactions never sit idle, so the server may end them early.
    idle_in_transaction_session_timeout: 15_000,
    // Webhooks are answered within seconds or not at all: a statement stuck longer is an outage, surface it.
    statement_timeout: 30_000,
  };
  const pool = new pg.Pool({ ...poolConfig, max: options.poolSize ?? 10 });
  // Group commits get a connection of their own: on the shared pool a batch queued behind the mail worker's and
  // the mail gate's queries (hundreds waiting at 1,000 webhooks/s with emails on), so a webhook's 200 waited on
  // email work. The committer has one batch in flight at a time; the connection is kept while idle, so the first
  // webhook after a quiet spell doesn't pay for a new one.
  // The server processes behind the append connection: notifications of their commits are our own (see watch).
  // Asked once per connection by pg-pool's onConnect hook, which the pool awaits before the connection takes its
  // first append, so the pid is known before any commit of it. (Queued from the 'connect' event instead, the query
  // ran concurrently with the first append on one client, which pg 8 deprecates and pg 9 drops.)
  const appendBackends = new Map<pg.ClientBase, number>();
  const appendPool = new pg.Pool({
    ...poolConfig,
    max: 1,
    idleTimeoutMillis: 0,
    onConnect: async (c) => {
      const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      if (rows[0]) appendBackends.set(c, rows[0].pid);
    },
  });
  appendPool.on('remove', (c) => appendBackends.delete(c));
  // Without a listener an idle connection dropped by the server (restart, failover) would crash the process.
  for (const p of [pool, appendPool]) p.on('error', (err) => options.onError?.(err));
  try {
    await migratePostgres(pool);
  } catch (err) {
    await Promise.all([pool.end(), appendPool.end()]).catch(() => {});
    throw err;
  }

  let open = true;
  const watchers = new Set<() => void>();
  const q = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> => {
    if (!open) throw new Error('relay store is closed');
    return pool.query<R>(text, values);
  };
  const getChannel = async (id: string) => {
    const { rows } = await q<ChannelRow>('SELECT * FROM channels WHERE id = $1', [id]);
    return rows[0] && toChannel(rows[0]);
  };

  return {
    pool,
    createChannel: async (c) =>
      void (await q('INSERT INTO channels (id, token_hash, created_at) VALUES ($1, $2, $3)', [
        c.id,
        c.tokenHash,
        c.createdAt,
      ])),
    getChannel,
    setSecret: async (id, secret) =>
      ((await q('UPDATE channels SET secret = $1 WHERE id = $2', [secret, id])).rowCount ?? 0) > 0,
    // The events first, a chunk per statement, then the channel row with what arrived meanwhile (ON DELETE CASCADE).
    // Deleting the row first would cascade over all the events in ONE statement holding the channel row's lock: 0.57 s
    // for 300 MiB of bodies (2.1 s for 1 GiB; measured 2026-12-05), during which relay_append, which locks the channel
    // rows of its batch, waited with the whole batch, and the append connection with every batch behind it: a webhook
    // to a channel being deleted held up every channel's webhooks. Chunks lock only event rows, which appends never
    // touch; the channel stays readable meanwhile, losing its oldest events first, as retention does.
    deleteChannel: async (id) => {
      for (;;) {
        const { rowCount } = await q(DELETE_EVENTS_CHUNK, [id]);
        if (!rowCount) break;
      }
      return ((await q('DELETE FROM channels WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
    appendEvents: async (batch, maxChannelBytes) => {
      if (!open) throw new Error('relay store is closed');
      return appendBatch(appendPool, batch, maxChannelBytes);
    },
    listEvents: async (channelId, afterSeq, limit, maxBytes = Infinity) =>
      (Number.isFinite(maxBytes)
        ? await q<EventRow>(LIST_EVENTS_WITHIN_BYTES, [channelId, afterSeq, limit, maxBytes])
        : await q<EventRow>(LIST_EVENTS, [channelId, afterSeq, limit])
      ).rows.map(toEvent),
    abandonedChannels: async (createdBefore, limit) =>
      (
        await q<{ id: string }>(
          'SELECT id FROM channels WHERE secret IS NULL AND last_seq = 0 AND created_at < $1 ORDER BY created_at LIMIT $2',
          [createdBefore, limit],
        )
      ).rows.map((r) => r.id),
    bounds: async (channelId): Promise<ChannelBounds | undefined> => {
      const { rows } = await q<{ last_seq: string; acked_seq: string; stored_bytes: string; oldest: string | null }>(
        `SELECT last_seq, acked_seq, stored_bytes, (SELECT min(seq) FROM events WHERE channel_id = c.id) AS oldest
           FROM channels c WHERE id = $1`,
        [channelId],
      );
      const r = rows[0];
      return (
        r && {
          lastSeq: Number(r.last_seq),
          oldestSeq: Number(r.oldest ?? 0),
          ackedSeq: Number(r.acked_seq),
          storedBytes: Number(r.stored_bytes),
        }
      );
    },
    ack: async (channelId, upTo) => {
      const { rows } = await q<{ acked_seq: string }>(
        'UPDATE channels SET acked_seq = GREATEST(acked_seq, LEAST($2::int8, last_seq)) WHERE id = $1 RETURNING acked_seq',
        [channelId, upTo],
      );
      return Number(rows[0]?.acked_seq ?? 0);
    },
    prune: async ({ unackedBefore, ackedBefore }) => {
      // Each chunk its own short transaction (PRUNE_CHUNK); a chunk cut by bytes is no sign of the end, an empty one is.
      let total = 0;
      for (;;) {
        const { rowCount } = await q(PRUNE_CHUNK, [unackedBefore, ackedBefore]);
        if (!rowCount) return total;
        total += rowCount;
      }
    },
    backlog: async () =>
      (
        await q<{ channel_id: string; count: string }>(
          `SELECT c.id AS channel_id,
                  CASE WHEN o.oldest IS NULL THEN 0 ELSE c.last_seq - GREATEST(c.acked_seq, o.oldest - 1) END AS count
             FROM channels c
             LEFT JOIN LATERAL (SELECT min(e.seq) AS oldest FROM events e WHERE e.channel_id = c.id) o ON true
            ORDER BY c.id`,
        )
      ).rows.map((r) => ({ channelId: r.channel_id, count: Number(r.count) })),
    ping: async () => void (await q('SELECT 1')),
    close: async () => {
      if (!open) return;
      open = false;
      for (const stop of [...watchers]) stop();
      await Promise.all([pool.end(), appendPool.end()]);
    },
    shared: {
      watch(onCommit, onGap) {
        const stop = listenForCommits(clientConfig, onCommit, onGap, {
          onError: options.onError,
          isOwnBackend: (pid) => [...appendBackends.values()].includes(pid),
          ...options.listen,
        });
        const unwatch = () => {
          watchers.delete(unwatch);
          stop();
        };
        watchers.add(unwatch);
        return unwatch;
      },
      lastSeqs: async (channelIds) => {
        const { rows } = await q<{ id: string; last_seq: string }>(
          'SELECT id, last_seq FROM channels WHERE id = ANY($1::text[])',
          [channelIds],
        );
        return new Map(rows.map((r) => [r.id, Number(r.last_seq)]));
      },
    },
  };
}
