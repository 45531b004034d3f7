import { ipKey } from './rate-limits';

/**
 * Stream slots of this process: RELAY_MAX_STREAMS in all, RELAY_MAX_STREAMS_PER_IP per client address (IPv6 by its
 * /56, as the rate limits count it). Anyone can get a channel and each open stream holds a socket buffer and a page in
 * memory, so one client must not be able to take every slot and lock real subscribers out.
 */
export class StreamSlots {
  readonly #perClient = new Map<string, number>();
  #total = 0;

  constructor(private readonly limits: { readonly total: number; readonly perClient: number }) {}

  /** A slot for one more stream of this client, or why there is none; release is safe to call twice. */
  take(clientIp: string | undefined): { release: () => void } | { refused: 'capacity' | 'client_limit' } {
    if (this.#total >= this.limits.total) return { refused: 'capacity' };
    const key = ipKey(clientIp);
    const held = this.#perClient.get(key) ?? 0;
    if (held >= this.limits.perClient) return { refused: 'client_limit' };
    this.#perClient.set(key, held + 1);
    this.#total++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#total--;
        const left = (this.#perClient.get(key) ?? 1) - 1;
        if (left <= 0) this.#perClient.delete(key);
        else this.#perClient.set(key, left);
      },
    };
  }
}
