import type { MailLogger } from './mail-logger';
import { unpacedMail, type MailPacer } from './mail-pacer';
import type { OutboxRow, OutboxStore } from './outbox-store';
import type { Rendered } from './render-batch';
import { describeError, isPermanent, retryDelay, type RetryOptions } from './retry-policy';
import type { MailTransport } from './transport';

export { toMailOptions } from './render-batch';

export interface WorkerOptions {
  readonly store: OutboxStore;
  readonly transport: MailTransport;
  /** Renders claimed jobs into complete messages (on the mail thread; the mailer fetches their events). */
  readonly render: (rows: readonly OutboxRow[]) => Promise<Rendered[]>;
  readonly logger: MailLogger;
  readonly now: () => number;
  readonly retry: RetryOptions;
  /** How long a claimed row is ours; after a crash it is sent again once this expires. */
  readonly leaseMs: number;
  /** Safety-net poll: the worker looks for due rows at least this often even without a wake-up. */
  readonly pollMs: number;
  /** Batches are sized so one takes about this long (default 250 ms), between minBatch and maxBatch rows. */
  readonly batchMs?: number;
  readonly minBatch?: number;
  readonly maxBatch?: number;
  readonly random?: () => number;
  /** A job reached its end (sent or failed for good): the mailer drops what it kept in memory for it. */
  readonly onFinished?: (row: OutboxRow) => void;
  /** Spaces batches out while ingest is busy (default: never). */
  readonly pacer?: MailPacer;
}

export interface OutboxWorker {
  start(): void;
  /** Nudges the worker after an enqueue. */
  wake(): void;
  /** Finishes the sends in progress, hands back the rest of the batch, and stops. */
  stop(): Promise<void>;
}

/**
 * Sends due outbox jobs: claims a batch (sized by time), renders it on the mail thread, sends up to the transport's
 * concurrency at once, and records each job as sent (the batch's sent jobs in one transaction once the batch is
 * through, so a crash resends at most one batch), retried later with backoff, or failed.
 */
export function createOutboxWorker(o: WorkerOptions): OutboxWorker {
  const batchMs = o.batchMs ?? 250;
  const minBatch = o.minBatch ?? 20;
  const maxBatch = Math.max(minBatch, o.maxBatch ?? 1000);
  const pacer = o.pacer ?? unpacedMail;
  let batch = minBatch;
  let started = false;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  const failed = async (row: OutboxRow, err: unknown, permanent: boolean) => {
    const log = { outboxId: row.id, kind: row.kind, attempt: row.attempts + 1 };
    const error = typeof err === 'string' ? err : describeError(err);
    if (permanent) {
      await o.store.markFailed(row.id, o.now(), error);
      o.onFinished?.(row);
      o.logger.warn({ ...log, error }, 'mail failed permanently');
    } else if (o.now() - row.createdAt >= o.retry.giveUpAfterMs) {
      await o.store.markFailed(row.id, o.now(), `gave up after ${row.attempts + 1} attempts: ${error}`);
      o.onFinished?.(row);
      o.logger.warn({ ...log, error }, 'mail given up after retries');
    } else {
      const delay = retryDelay(row.attempts, o.retry, o.random);
      await o.store.markRetry(row.id, o.now() + delay, error);
      o.logger.info({ ...log, error, retryInMs: delay }, 'mail send failed, will retry');
    }
  };

  /** Sends one job; a sent one is pushed to `sent`, recorded with the rest of its batch (recordSent). */
  const sendOne = async (
    row: OutboxRow,
    r: Rendered,
    sent: Array<{ row: OutboxRow; file?: string }>,
  ): Promise<void> => {
    if (!r.ok) return failed(row, r.error, r.permanent);
    try {
      // Written already by the mail thread (.eml transport), or handed to the transport now.
      const file = r.written ?? (await o.transport.send(r)).file;
      sent.push(file ? { row, file } : { row });
    } catch (err) {
      await failed(row, err, isPermanent(err));
    }
  };

  /**
   * One transaction for the batch's sent jobs (a commit per email was the largest item of the drain's main thread).
   * A crash before it resends at most this batch (~batchMs of mail, same Message-IDs); if the write fails, the rows
   * stay leased and go out again when the lease ends, like after a crash.
   */
  const recordSent = async (sent: ReadonlyArray<{ row: OutboxRow; file?: string }>) => {
    if (sent.length === 0) return;
    try {
      await o.store.markSentAll(
        sent.map((s) => s.row.id),
        o.now(),
      );
    } catch (err) {
      o.logger.error(
        { err, emails: sent.length },
        'mail outbox: could not record sent emails; they are resent after their lease',
      );
      return;
    }
    for (const { row, file } of sent) {
      o.onFinished?.(row);
      o.logger.debug(
        { outboxId: row.id, kind: row.kind, attempt: row.attempts + 1, ...(file ? { file } : {}) },
        'mail sent',
      );
    }
  };

  const schedule = async () => {
    clearTimeout(timer);
    if (stopped) return;
    let wait = o.pollMs;
    try {
      const due = await o.store.nextDueAt();
      if (due !== undefined) wait = Math.min(wait, Math.max(0, due - o.now()));
    } catch (err) {
      o.logger.error({ err }, 'mail outbox read failed');
    }
    if (stopped) return;
    timer = setTimeout(kick, wait);
    timer.unref();
  };

  interface Prepared {
    readonly requested: number;
    readonly rows: readonly OutboxRow[];
    readonly rendered: Rendered[];
  }

  /** A batch on its way: `full` once the claim is back (more may be due), `prepared` once rendered. */
  interface Ahead {
    readonly full: Promise<boolean>;
    readonly prepared: Promise<Prepared>;
  }

  /** Claims a batch and renders it on the mail thread. */
  const prepare = (requested: number): Ahead => {
    const claimed = o.store.claimDue(o.now(), requested, o.leaseMs);
    const prepared = claimed.then(async (rows): Promise<Prepared> => {
      if (rows.length === 0) return { requested, rows, rendered: [] };
      try {
        return { requested, rows, rendered: await o.render(rows) };
      } catch (err) {
        // The renderer died (or its thread did): every job of the batch is retried with backoff.
        const error = `render failed: ${describeError(err)}`;
        return { requested, rows, rendered: rows.map(() => ({ ok: false, permanent: false, error })) };
      }
    });
    return {
      full: claimed.then(
        (rows) => rows.length === requested,
        () => false,
      ),
      prepared,
    };
  };

  const sendBatch = async ({ rows, rendered }: Prepared) => {
    const sent: Array<{ row: OutboxRow; file?: string }> = [];
    let next = 0;
    const lane = async () => {
      while (next < rows.length) {
        const i = next++;
        const row = rows[i] as OutboxRow;
        if (stopped) {
          await o.store.release(row.id);
          continue;
        }
        await sendOne(row, rendered[i] as Rendered, sent);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, Math.min(o.transport.concurrency, rows.length)) }, lane));
    } finally {
      await recordSent(sent);
    }
  };

  /**
   * Pipelined: while one batch is rendered (and, for .eml, written) on the mail thread, the next is already claimed
   * and queued to it, so the mail thread never waits for this thread's claim, event reads and records between
   * batches; at most two batches are ahead. Batches are sized by time (about batchMs each), so a stop or a lease
   * never waits on a huge one.
   */
  const loop = async () => {
    let sent = 0;
    const firstAt = performance.now();
    const ahead: Ahead[] = [prepare(pacer.batchSize(batch))];
    // How late the last batch's oldest email was: mail that is late enough is no longer paced.
    let lagMs = 0;
    try {
      while (ahead.length > 0 && !stopped) {
        again = false;
        await pacer.turn(lagMs);
        const t = performance.now();
        let current: Prepared;
        let elapsed = 0;
        try {
          if (stopped) break;
          const head = ahead[0] as Ahead;
          if (ahead.length === 1 && (await head.full)) ahead.push(prepare(pacer.batchSize(batch)));
          current = await head.prepared;
          ahead.shift();
          if (current.rows.length === 0) break;
          await sendBatch(current);
        } finally {
          // The turn ends however the batch did (the planner waits for it during a burst).
          elapsed = performance.now() - t;
          pacer.spent(elapsed);
        }
        sent += current.rows.length;
        lagMs = o.now() - Math.min(...current.rows.map((r) => r.createdAt));
        const perRow = elapsed / current.rows.length;
        if (current.rows.length === current.requested) {
          batch = Math.max(minBatch, Math.min(maxBatch, Math.round(batchMs / Math.max(perRow, 0.01))));
        } else if (again && ahead.length === 0) ahead.push(prepare(pacer.batchSize(batch)));
      }
    } finally {
      // Stopped with batches claimed ahead: hand them back untouched.
      for (const a of ahead) {
        const left = await a.prepared.catch(() => undefined);
        for (const row of left?.rows ?? []) await o.store.release(row.id);
      }
    }
    if (sent > 0)
      o.logger.info(
        { sent, ms: Math.round(performance.now() - firstAt), batch },
        'mail outbox drained a run of emails',
      );
  };

  function kick(): void {
    if (!started || stopped) return;
    if (running) {
      again = true; // picked up by the loop in progress
      return;
    }
    running = loop()
      .catch((err: unknown) => o.logger.error({ err }, 'mail outbox worker failed; retrying on the next poll'))
      .finally(() => {
        running = undefined;
        void schedule();
      });
  }

  return {
    start() {
      if (started) return;
      started = true;
      // Rows a killed run left "sending" go out now where the engine can tell they are orphaned (see releaseOrphans).
      void o.store
        .releaseOrphans()
        .then(
          (n) =>
            n > 0 && o.logger.info({ released: n }, 'mail outbox: resending emails a previous run left unfinished'),
        )
        .catch((err: unknown) => o.logger.error({ err }, 'mail outbox: could not release unfinished emails'))
        .finally(kick);
    },
    wake: kick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
