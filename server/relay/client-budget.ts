import { ipKey } from './rate-limits';

/** A share of the budget, or why there is none. release is safe to call twice. */
export type BudgetTake = { readonly release: () => void } | { readonly refused: 'capacity' | 'client_limit' };

/**
 * Something the relay holds for requests in flight (stream slots, bytes of request bodies), capped in all and per
 * client address (IPv6 by its /56, as the rate limits count it). Rate limits bound how often a client asks, not how
 * much it holds at once: anyone can get a channel, so one client must not be able to take the whole budget.
 */
export class ClientBudget {
  readonly #perClient = new Map<string, number>();
  #total = 0;

  constructor(private readonly limits: { readonly total: number; readonly perClient: number }) {}

  /** `amount` more for this client, if both caps allow it. */
  take(clientIp: string | undefined, amount = 1): BudgetTake {
    const key = ipKey(clientIp);
    const held = this.#perClient.get(key) ?? 0;
    // The client's own cap first: a client over it is told so (429) even when the whole budget is short too.
    if (held + amount > this.limits.perClient) return { refused: 'client_limit' };
    if (this.#total + amount > this.limits.total) return { refused: 'capacity' };
    this.#perClient.set(key, held + amount);
    this.#total += amount;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#total -= amount;
        const left = (this.#perClient.get(key) ?? amount) - amount;
        if (left <= 0) this.#perClient.delete(key);
        else this.#perClient.set(key, left);
      },
    };
  }
}
