import type pg from 'pg';
import { COMMIT_CHANNEL } from './postgres-notify';
import { inTransaction } from './postgres-transaction';
import type { AppendOutcome, NewEvent } from '../types';

const COLUMNS = 7;
/** Rows per INSERT statement: keeps the bind parameters far below PostgreSQL's 65535. */
const ROWS_PER_INSERT = 1000;

/**
 * Appends a batch in ONE transaction (group commit). Sequences come from `UPDATE channels SET last_seq = last_seq
 * + n … RETURNING`, which row-locks each channel until commit: instances appending to the same channel queue on
 * that lock, so sequences stay gap-free (a rollback also rolls back last_seq) and commit in sequence order (a
 * reader never sees seq n+1 before n). Channels are locked in id order so two instances can't deadlock. The
 * NOTIFY is part of the transaction, so PostgreSQL delivers it only if, and once, the events are committed.
 */
export async function appendBatch(pool: pg.Pool, batch: readonly NewEvent[]): Promise<AppendOutcome[]> {
  if (batch.length === 0) return [];
  const counts = new Map<string, number>();
  for (const e of batch) counts.set(e.channelId, (counts.get(e.channelId) ?? 0) + 1);
  const ids = [...counts.keys()].sort();

  return inTransaction(pool, async (client) => {
    // Lock in a fixed order first; the UPDATE below then touches rows this transaction already holds.
    await client.query('SELECT id FROM channels WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [ids]);
    const { rows } = await client.query<{ id: string; last_seq: string }>(
      `UPDATE channels c SET last_seq = c.last_seq + v.n
         FROM unnest($1::text[], $2::int8[]) AS v(id, n) WHERE c.id = v.id RETURNING c.id, c.last_seq`,
      [ids, ids.map((id) => counts.get(id))],
    );
    // Next sequence per existing channel: the first of the range this batch reserved.
    const next = new Map(rows.map((r) => [r.id, Number(r.last_seq) - (counts.get(r.id) ?? 0) + 1]));
    const outcomes: AppendOutcome[] = batch.map((e) => {
      const seq = next.get(e.channelId);
      if (seq === undefined) return { ok: false, reason: 'channel_not_found' } as const;
      next.set(e.channelId, seq + 1);
      return { ok: true, event: { ...e, seq } } as const;
    });
    const stored = outcomes.flatMap((o) => (o.ok ? [o.event] : []));
    for (let i = 0; i < stored.length; i += ROWS_PER_INSERT) {
      const chunk = stored.slice(i, i + ROWS_PER_INSERT);
      const values: unknown[] = [];
      const tuples = chunk.map((e, j) => {
        values.push(
          e.channelId,
          e.seq,
          e.receivedAt,
          e.contentType,
          JSON.stringify(e.headers),
          JSON.stringify(e.query),
          e.body,
        );
        const b = j * COLUMNS;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
      });
      await client.query(
        `INSERT INTO events (channel_id, seq, received_at, content_type, headers, query, body) VALUES ${tuples.join(', ')}`,
        values,
      );
    }
    if (rows.length > 0) {
      await client.query(`SELECT pg_notify('${COMMIT_CHANNEL}', p) FROM unnest($1::text[]) AS p`, [
        rows.map((r) => `${r.id}:${r.last_seq}`),
      ]);
    }
    return outcomes;
  });
}
