import type { MailEventReader, MailSourceEvent } from './mailer';

/** A stored event waiting for its emails to be planned. */
export interface WaitingEvent {
  readonly channelId: string;
  readonly seq: number;
  /** Dropped past the queue's byte budget: read back from the event log when planned. */
  readonly body: Buffer | undefined;
  /** The body's size, kept or not: what planning it will hold in memory. */
  readonly bytes: number;
  /** performance.now() when it was queued (how late its planning is). */
  readonly queuedAt: number;
}

export interface PlanQueue {
  push(channelId: string, event: MailSourceEvent): void;
  /** Events waiting. */
  size(): number;
  /**
   * The oldest events in the order they were stored: at most `n`, and no more once their bodies reach `maxBytes` (the
   * first always comes). A batch's bodies are all in memory while it is planned, and events are as large as
   * RELAY_BODY_LIMIT allows: 256 of them read back at once could hold 256 MiB (security review).
   */
  take(n: number, maxBytes?: number): WaitingEvent[];
  /** A batch's events with their bodies: kept ones from memory, the rest read from the log in runs; undefined when gone. */
  withBodies(batch: readonly WaitingEvent[]): Promise<Array<MailSourceEvent | undefined>>;
}

/**
 * Events stored while earlier ones are being planned (issue 18). Bodies are kept in memory up to `maxBodyBytes`;
 * past it an event keeps only its sequence, so a burst queues sequence numbers, not bodies. Without a reader every
 * body is kept (there is nowhere to read it back from).
 */
export function createPlanQueue(reader: MailEventReader | undefined, maxBodyBytes = 4 * 2 ** 20): PlanQueue {
  const budget = reader ? maxBodyBytes : Number.POSITIVE_INFINITY;
  let queued: WaitingEvent[] = [];
  // Batches are taken from `next` on: slicing the rest off after every batch copied a burst's whole queue each time.
  let next = 0;
  let bytes = 0;
  const keyOf = (channelId: string, seq: number) => `${channelId}\u0000${seq}`;

  return {
    push(channelId, event) {
      const keep = bytes + event.body.byteLength <= budget;
      if (keep) bytes += event.body.byteLength;
      queued.push({
        channelId,
        seq: event.seq,
        body: keep ? event.body : undefined,
        bytes: event.body.byteLength,
        queuedAt: performance.now(),
      });
    },
    size: () => queued.length - next,
    take(n, maxBytes = Number.POSITIVE_INFINITY) {
      let end = next;
      for (let held = 0; end < queued.length && end - next < n && (end === next || held < maxBytes); end++)
        held += (queued[end] as WaitingEvent).bytes;
      const batch = queued.slice(next, end);
      next += batch.length;
      if (next === queued.length || (next > 1024 && next * 2 > queued.length)) {
        queued = queued.slice(next);
        next = 0;
      }
      for (const w of batch) bytes -= w.body?.byteLength ?? 0;
      return batch;
    },
    async withBodies(batch) {
      const read = new Map<string, Buffer>();
      const missing = new Map<string, number[]>();
      for (const w of batch) if (!w.body) missing.set(w.channelId, [...(missing.get(w.channelId) ?? []), w.seq]);
      for (const [channelId, seqs] of missing) {
        seqs.sort((a, b) => a - b);
        for (let i = 0; i < seqs.length;) {
          let j = i + 1;
          while (j < seqs.length && seqs[j] === (seqs[j - 1] as number) + 1) j++;
          const first = seqs[i] as number;
          for (const e of (await reader?.listEvents(channelId, first - 1, j - i)) ?? [])
            read.set(keyOf(channelId, e.seq), e.body);
          i = j;
        }
      }
      return batch.map((w) => {
        const body = w.body ?? read.get(keyOf(w.channelId, w.seq));
        return body ? { seq: w.seq, body } : undefined;
      });
    },
  };
}
