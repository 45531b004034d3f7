/** The headers Cal.com's throttler sets for the "default" limit (apps/api/v2/src/lib/throttler-guard.ts). */
export interface RateLimitVerdict {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window (or the block) ends, as @nestjs/throttler reports it. */
  readonly resetSeconds: number;
}

interface Bucket {
  windowEnds: number;
  hits: number;
  blockedUntil: number;
}

/** Fixed 60 s window per key; exceeding the limit blocks the key for another 60 s (Cal.com: ttl 60 s, blockDuration 60 s). */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
    private readonly windowMs = 60_000,
    private readonly blockMs = 60_000,
  ) {}

  /** Counts one request for `key` and says whether it may proceed. */
  hit(key: string): RateLimitVerdict {
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b || (b.windowEnds <= now && b.blockedUntil <= now)) {
      b = { windowEnds: now + this.windowMs, hits: 0, blockedUntil: 0 };
      this.buckets.set(key, b);
    }
    if (b.blockedUntil > now)
      return {
        allowed: false,
        limit: this.limit,
        remaining: 0,
        resetSeconds: Math.ceil((b.blockedUntil - now) / 1000),
      };
    b.hits += 1;
    if (b.hits > this.limit) {
      b.blockedUntil = now + this.blockMs;
      return { allowed: false, limit: this.limit, remaining: 0, resetSeconds: Math.ceil(this.blockMs / 1000) };
    }
    if (this.buckets.size > 10_000) this.prune(now);
    return {
      allowed: true,
      limit: this.limit,
      remaining: this.limit - b.hits,
      resetSeconds: Math.ceil((b.windowEnds - now) / 1000),
    };
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (b.windowEnds <= now && b.blockedUntil <= now) this.buckets.delete(k);
  }
}
