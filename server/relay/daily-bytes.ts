import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Bytes of signed webhooks stored per key (a channel, a client address) per day, in this process. Request rate
 * limits alone let one client fill the disk: 600 bodies of 1 MiB a minute per channel, kept 30 days (security
 * review). express-rate-limit counts requests only; rate-limiter-flexible consumes weighted points.
 */
export class DailyBytes {
  readonly #limiter: RateLimiterMemory;

  constructor(bytesPerDay: number) {
    this.#limiter = new RateLimiterMemory({ points: bytesPerDay, duration: DAY_SECONDS });
  }

  /** Counts `bytes` against the key; undefined when they fit, else the seconds until its day starts over. */
  async take(key: string, bytes: number): Promise<number | undefined> {
    try {
      await this.#limiter.consume(key, bytes);
      return undefined;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      // What did not fit is not stored, so it does not count either.
      await this.#limiter.reward(key, bytes);
      return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    }
  }

  /** Takes back bytes counted for something that was not stored after all. */
  async giveBack(key: string, bytes: number): Promise<void> {
    await this.#limiter.reward(key, bytes);
  }
}
