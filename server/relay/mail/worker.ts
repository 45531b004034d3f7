import type { SendMailOptions } from 'nodemailer';
import type { MailLogger } from './mail-logger';
import type { OutboxRow, OutboxStore } from './outbox-store';
import { describeError, isPermanent, retryDelay, type RetryOptions } from './retry-policy';
import type { MailTransport } from './transport';

export interface WorkerOptions {
  readonly store: OutboxStore;
  readonly transport: MailTransport;
  readonly from: string;
  readonly logger: MailLogger;
  readonly now: () => number;
  readonly retry: RetryOptions;
  /** How long a claimed row is ours; after a crash it is sent again once this expires. */
  readonly leaseMs: number;
  /** Safety-net poll: the worker looks for due rows at least this often even without a wake-up. */
  readonly pollMs: number;
  readonly batch?: number;
  readonly random?: () => number;
}

export interface OutboxWorker {
  start(): void;
  /** Nudges the worker after an enqueue. */
  wake(): void;
  /** Finishes the send in progress, hands back the rest of the batch, and stops. */
  stop(): Promise<void>;
}

/** The nodemailer message for a row; Message-ID derives from the dedupe key so a rare resend after a crash is recognisable. */
export function toMailOptions(row: OutboxRow, from: string): SendMailOptions {
  const m = row.message;
  return {
    from,
    to: m.to,
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: `<${row.key.slice(0, 40)}@lifescore-relay>`,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-LifeScore-Kind': row.kind },
    ...(m.ics
      ? { attachments: [{ filename: m.ics.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics', content: m.ics.content, contentType: `text/calendar; charset=utf-8; method=${m.ics.method}` }] }
      : {}),
  };
}

/** Sends due outbox rows one at a time: sent, retried later with backoff, or recorded as failed. */
export function createOutboxWorker(o: WorkerOptions): OutboxWorker {
  const batch = o.batch ?? 20;
  let started = false;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  const sendOne = async (row: OutboxRow): Promise<void> => {
    const log = { outboxId: row.id, kind: row.kind, attempt: row.attempts + 1 };
    try {
      const info = await o.transport.send(toMailOptions(row, o.from));
      await o.store.markSent(row.id, o.now());
      o.logger.info({ ...log, ...(info.file ? { file: info.file } : {}) }, 'mail sent');
    } catch (err) {
      const error = describeError(err);
      if (isPermanent(err)) {
        await o.store.markFailed(row.id, o.now(), error);
        o.logger.warn({ ...log, error }, 'mail failed permanently');
      } else if (o.now() - row.createdAt >= o.retry.giveUpAfterMs) {
        await o.store.markFailed(row.id, o.now(), `gave up after ${row.attempts + 1} attempts: ${error}`);
        o.logger.warn({ ...log, error }, 'mail given up after retries');
      } else {
        const delay = retryDelay(row.attempts, o.retry, o.random);
        await o.store.markRetry(row.id, o.now() + delay, error);
        o.logger.info({ ...log, error, retryInMs: delay }, 'mail send failed, will retry');
      }
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

  const loop = async () => {
    do {
      again = false;
      const rows = await o.store.claimDue(o.now(), batch, o.leaseMs);
      for (const [i, row] of rows.entries()) {
        if (stopped) {
          for (const rest of rows.slice(i)) await o.store.release(rest.id);
          return;
        }
        await sendOne(row);
      }
      if (rows.length === batch) again = true;
    } while (again && !stopped);
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
        .then((n) => n > 0 && o.logger.info({ released: n }, 'mail outbox: resending emails a previous run left unfinished'))
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
