import type { Logger } from '../ports';

/**
 * Acknowledges the applied cursor to the relay in batches: after a short quiet period, or at once when many
 * events are pending. Acks run one after another and each reads the cursor when it starts, so a flush never
 * settles for an older, in-flight ack. A failed ack is simply retried with the next one (acks are cumulative).
 */
export interface AckBatcher {
  /** Notes that the cursor moved. */
  schedule(): void;
  /** Acks the current cursor now (if it moved since the last ack). */
  flush(): Promise<void>;
  /** Cancels the timer; a final flush() is up to the caller. */
  stop(): void;
}

export interface AckBatcherDeps {
  readonly cursor: () => number;
  readonly ack: (upTo: number) => Promise<void>;
  readonly delayMs: number;
  /** Pending events that force an immediate ack. */
  readonly batch?: number;
  readonly logger: Logger;
}

export function createAckBatcher(deps: AckBatcherDeps): AckBatcher {
  const batch = deps.batch ?? 200;
  let lastAcked = 0;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  const ackOnce = async (): Promise<void> => {
    const upTo = deps.cursor();
    if (upTo <= lastAcked) return;
    try {
      await deps.ack(upTo);
      lastAcked = Math.max(lastAcked, upTo);
    } catch (err) {
      deps.logger.warn('ack failed; will retry with the next batch', { upTo, error: String(err) });
    }
  };

  const flush = (): Promise<void> => {
    chain = chain.then(ackOnce);
    return chain;
  };

  return {
    schedule() {
      if (stopped) return;
      if (deps.cursor() - lastAcked >= batch) {
        void flush();
        return;
      }
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void flush();
      }, deps.delayMs);
      timer.unref();
    },
    flush,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
