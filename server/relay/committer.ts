import type { AppendOutcome, NewEvent, RelayStore } from './store/types';

interface Pending {
  readonly event: NewEvent;
  readonly resolve: (outcome: AppendOutcome) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Group commit: every append requested within one event-loop turn goes into one transaction (one fsync),
 * so concurrent webhooks don't serialise on the disk. Each caller's promise resolves only after the commit.
 */
export class GroupCommitter {
  #queue: Pending[] = [];
  #scheduled = false;
  #inFlight: Promise<void> = Promise.resolve();
  readonly #store: RelayStore;
  readonly #onCommitted: (outcomes: readonly AppendOutcome[]) => void;
  readonly #maxBatch: number;
  readonly #windowMs: number;

  constructor(store: RelayStore, onCommitted: (outcomes: readonly AppendOutcome[]) => void, opts: { maxBatch?: number; windowMs?: number } = {}) {
    this.#store = store;
    this.#onCommitted = onCommitted;
    this.#maxBatch = opts.maxBatch ?? 500;
    this.#windowMs = opts.windowMs ?? 2;
  }

  /** Queues one event; resolves with its sequence once durable. */
  append(event: NewEvent): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // better-sqlite3 blocks the loop during the fsync; requests that arrive meanwhile need a few loop turns
        // (body read, lookups) to get here, so wait a moment to gather them into the same transaction.
        setTimeout(() => this.#flush(), this.#windowMs);
      }
    });
  }

  /** Resolves when everything queued so far is committed (used by graceful shutdown). */
  async drain(): Promise<void> {
    while (this.#queue.length > 0 || this.#scheduled) {
      await new Promise((r) => setTimeout(r, this.#windowMs));
    }
    await this.#inFlight;
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue.splice(0, this.#maxBatch);
    if (this.#queue.length > 0) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
    if (batch.length === 0) return;
    this.#inFlight = this.#inFlight.then(async () => {
      try {
        const outcomes = await this.#store.appendEvents(batch.map((p) => p.event));
        outcomes.forEach((o, i) => batch[i]?.resolve(o));
        this.#onCommitted(outcomes);
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    });
  }
}
