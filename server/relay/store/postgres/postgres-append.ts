import type pg from 'pg';
import type { AppendOutcome, NewEvent } from '../types';

/**
 * Appends a batch (group commit) in ONE round trip: `relay_append` (migrations 2 and 3) locks the batch's channels in
 * id order, reserves each one's sequence range and bytes with `UPDATE channels SET last_seq = last_seq + n, …`
 * (leaving out a channel that already holds maxChannelBytes), inserts the events and NOTIFYs, all in the statement's own transaction. Instances appending to the same channel queue on its row
 * lock, so sequences stay gap-free (a rollback also rolls back last_seq) and commit in sequence order (a reader
 * never sees seq n+1 before n); the fixed lock order means two instances can't deadlock; PostgreSQL delivers the
 * NOTIFY only if, and once, the events are committed. Sent in autocommit, the locks are held for the server's own
 * work and WAL flush, not for round trips through this process's event loop.
 */
export async function appendBatch(
  pool: pg.Pool,
  batch: readonly NewEvent[],
  maxChannelBytes = Number.MAX_SAFE_INTEGER,
): Promise<AppendOutcome[]> {
  if (batch.length === 0) return [];
  const counts = new Map<string, number>();
  for (const e of batch) counts.set(e.channelId, (counts.get(e.channelId) ?? 0) + 1);

  const { rows } = await pool.query<{ channel: string; last_seq: string | null; is_full: boolean }>(
    `SELECT channel, last_seq, is_full
       FROM relay_append($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::bytea[], $7::int8)`,
    [
      batch.map((e) => e.channelId),
      batch.map((e) => e.receivedAt),
      batch.map((e) => e.contentType),
      batch.map((e) => JSON.stringify(e.headers)),
      batch.map((e) => JSON.stringify(e.query)),
      batch.map((e) => e.body),
      maxChannelBytes,
    ],
  );
  // Next sequence per existing channel: the first of the range this batch reserved, handed out in arrival order
  // exactly as relay_append numbered the rows.
  const next = new Map<string, number>();
  const full = new Set<string>();
  for (const r of rows) {
    if (r.is_full) full.add(r.channel);
    else next.set(r.channel, Number(r.last_seq) - (counts.get(r.channel) ?? 0) + 1);
  }
  return batch.map((e) => {
    if (full.has(e.channelId)) return { ok: false, reason: 'channel_full' } as const;
    const seq = next.get(e.channelId);
    if (seq === undefined) return { ok: false, reason: 'channel_not_found' } as const;
    next.set(e.channelId, seq + 1);
    return { ok: true, event: { ...e, seq } } as const;
  });
}
