/**
 * Mail work steps aside while webhooks pour in (issue 18).
 *
 * Planning, rendering and sending a webhook's emails costs several times what accepting it does, and on a small
 * machine they share the same cores: run at full speed during a burst, the emails decide how fast Cal.com is
 * answered. So while ingest is busy, mail batches are spaced out to take at most `share` of the time, and the
 * rest of the burst's emails follow right after it. Two things bound the delay: mail that is already
 * `maxLagMs` late is not held back any more (a steady flood cannot starve it), and a quiet relay never waits.
 * Planning and sending both take turns here, one batch at a time during a burst: each keeping to `share` on its own
 * let the two together take twice it.
 */
export interface MailPacer {
  /** Webhooks were accepted (the relay's commit callback): feeds the ingest rate. */
  noteIngest(count: number): void;
  /**
   * Waits until mail may run its next batch: at once unless ingest is busy. `lagMs`: how late the oldest work in
   * the batch already is (past maxLagMs it goes at once).
   */
  turn(lagMs?: number): Promise<void>;
  /**
   * A batch took this long (ms) and is over: during a burst, the next one waits so mail keeps to its share of the
   * time. Every turn ends with it, also when the batch failed.
   */
  spent(ms: number): void;
  /**
   * How many jobs the next batch may take: `wanted` when ingest is quiet, at most burstBatch during a burst, so one
   * batch's synchronous work (a claim, an outbox write) never holds webhooks up for long.
   */
  batchSize(wanted: number): number;
  /** Whether ingest is at burst rate now (mail is being spaced out). */
  busy(): boolean;
  /** The ingest rate now, webhooks per second (exponentially decayed; for logs and tests). */
  ingestRate(): number;
  /** Ends every wait at once (shutdown: the mail in hand is finished, not paced). */
  close(): void;
}

export interface MailPacerOptions {
  /** Ingest at or above this many webhooks per second is a burst (default 200). */
  readonly burstPerSecond?: number;
  /** The part of the time mail may take during a burst (default 0.1). */
  readonly share?: number;
  /** The largest batch during a burst (default 50). */
  readonly burstBatch?: number;
  /** Mail this late runs regardless of the burst (default 30 s). */
  readonly maxLagMs?: number;
  /** The rate's memory: its time constant (default 250 ms). */
  readonly windowMs?: number;
  readonly now?: () => number;
}

/** Never paces: tests and hosts without an ingest path (and the mailer's default). */
export const unpacedMail: MailPacer = {
  noteIngest: () => undefined,
  turn: () => Promise.resolve(),
  spent: () => undefined,
  batchSize: (wanted) => wanted,
  busy: () => false,
  ingestRate: () => 0,
  close: () => undefined,
};

export function createMailPacer(o: MailPacerOptions = {}): MailPacer {
  const now = o.now ?? (() => performance.now());
  const burst = o.burstPerSecond ?? 200;
  const share = Math.min(1, Math.max(0.05, o.share ?? 0.1));
  const burstBatch = Math.max(1, o.burstBatch ?? 50);
  const maxLagMs = o.maxLagMs ?? 30_000;
  const tau = o.windowMs ?? 250;
  // Webhooks "in memory": decays by e per tau, so level / tau is the recent rate per millisecond.
  let level = 0;
  let levelAt = now();
  // Mail may start its next batch no earlier than this (moves on by the idle time owed for each batch run).
  let nextAt = 0;
  // A batch has its turn and has not said spent(): during a burst the next one waits for it.
  let running = false;
  let closed = false;
  const waiting = new Set<() => void>();

  const rate = (): number => {
    const t = now();
    level *= Math.exp(-(t - levelAt) / tau);
    levelAt = t;
    return (level * 1000) / tau;
  };

  const busy = (): boolean => !closed && rate() >= burst;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiting.add(done);
    });

  return {
    noteIngest(count) {
      rate();
      level += count;
    },
    async turn(lagMs = 0) {
      // Re-checked after each wait: the burst may have ended while this batch waited.
      while (!closed && lagMs < maxLagMs && rate() >= burst && (running || nextAt > now())) {
        const from = now();
        // Waiting for the running batch: spent() ends the wait early.
        await wait(running ? tau : Math.min(nextAt - from, tau));
        lagMs += now() - from;
      }
      running = true;
    },
    spent(ms) {
      // The idle time this batch owes the ingest path, should the burst go on.
      nextAt = now() + (ms * (1 - share)) / share;
      running = false;
      for (const done of [...waiting]) done();
    },
    batchSize: (wanted) => (busy() ? Math.min(wanted, burstBatch) : wanted),
    busy,
    ingestRate: rate,
    close() {
      closed = true;
      for (const done of [...waiting]) done();
    },
  };
}
