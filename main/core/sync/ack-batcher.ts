import type { Logger } from '../ports';
import type { BackoffOptions } from './backoff';
import { backoffDelay } from './backoff';

/**
 * Acknowledges the applied cursor to the relay in batches: after a short quiet period, or at once when many
 * events are pending. Acks run one after another and each reads the cursor when it starts, so a flush never
 * settles for an older, in-flight ack. A failed ack is retried with the next one (acks are cumulative), and on its
 * own with backoff when no next one comes (issue 22: nothing that can stop may stay stopped).
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
  /** Delays before retrying a failed ack (default 1 s doubling to 60 s). */
  readonly retryBackoff?: BackoffOptions;
  /** Retry jitter (the random port). */
  readonly random: () => number;
}

export function createAckBatcher(deps: AckBatcherDeps): AckBatcher {
  const batch = deps.batch ?? 200;
  let lastAcked = 0;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  const retryLater = () => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(
      () => {
        retryTimer = undefined;
        void flush();
      },
      backoffDelay(failures - 1, deps.retryBackoff ?? { baseMs: 1_000, maxMs: 60_000 }, deps.random),
    );
    retryTimer.unref();
  };

  const ackOnce = async (): Promise<void> => {
    const upTo = deps.cursor();
    if (upTo <= lastAcked) return;
    try {
      await deps.ack(upTo);
      lastAcked = Math.max(lastAcked, upTo);
      failures = 0;
    } catch (err) {
      failures += 1;
      deps.logger.warn('ack failed; will retry', { upTo, failures, error: String(err) });
      retryLater();
    }
  };

  function flush(): Promise<void> {
    chain = chain.then(ackOnce);
    return chain;
  }

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
      clearTimeout(retryTimer);
    },
  };
}
