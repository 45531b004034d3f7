import type { AppendOutcome, NewEvent, RelayStore } from './store/types';

interface Pending {
  readonly event: NewEvent;
  readonly resolve: (outcome: AppendOutcome) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Group commit: appends wait while the previous batch is being made durable (its fsync, or its round trip to
 * PostgreSQL), then all of them go into the next transaction together; an append on an idle committer goes out on
 * the next turn of the loop with whatever else arrived in the same turn. So a burst costs one durable write per
 * batch rather than per webhook, and a lone webhook waits for nothing but its own commit. Each caller's promise
 * resolves only after its batch is durable.
 */
export class GroupCommitter {
  #queue: Pending[] = [];
  #busy = false;
  #idle: Array<() => void> = [];
  readonly #store: RelayStore;
  readonly #onCommitted: (outcomes: readonly AppendOutcome[]) => void;
  readonly #maxBatch: number;
  readonly #maxChannelBytes: number | undefined;

  /** maxChannelBytes: what a channel may hold before its appends are refused (RelayStore.appendEvents). */
  constructor(
    store: RelayStore,
    onCommitted: (outcomes: readonly AppendOutcome[]) => void,
    opts: { maxBatch?: number; maxChannelBytes?: number } = {},
  ) {
    this.#store = store;
    this.#onCommitted = onCommitted;
    this.#maxBatch = opts.maxBatch ?? 500;
    this.#maxChannelBytes = opts.maxChannelBytes;
  }

  /** Queues one event; resolves with its sequence once durable. */
  append(event: NewEvent): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      if (!this.#busy) {
        this.#busy = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  /** Resolves when everything queued so far is committed (used by graceful shutdown). */
  drain(): Promise<void> {
    if (!this.#busy && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        const outcomes = await this.#store.appendEvents(
          batch.map((p) => p.event),
          this.#maxChannelBytes,
        );
        outcomes.forEach((o, i) => batch[i]?.resolve(o));
        this.#onCommitted(outcomes);
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.#busy = false;
    for (const done of this.#idle.splice(0)) done();
  }
}
