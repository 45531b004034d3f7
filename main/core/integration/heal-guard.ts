/**
 * Keeps channel healing from looping (issue 16): at most `maxPerHour` heals in any hour, and after a failed or
 * repeated heal a growing pause (`baseDelayMs` doubling, capped at `maxDelayMs`). Pure; the caller passes the time.
 */
export interface HealGuardOptions {
  readonly maxPerHour?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

export class HealGuard {
  private readonly attempts: number[] = [];
  private failures = 0;
  private readonly maxPerHour: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(opts: HealGuardOptions = {}) {
    this.maxPerHour = opts.maxPerHour ?? 3;
    this.baseDelayMs = opts.baseDelayMs ?? 30_000;
    this.maxDelayMs = opts.maxDelayMs ?? 15 * 60_000;
  }

  /** True when a heal may start now; records the attempt when it may. */
  tryStart(now: number): boolean {
    while (this.attempts.length > 0 && now - (this.attempts[0] ?? 0) >= 3_600_000) this.attempts.shift();
    if (this.attempts.length >= this.maxPerHour) return false;
    const last = this.attempts.at(-1);
    if (last !== undefined && now - last < this.delayMs()) return false;
    this.attempts.push(now);
    return true;
  }

  /** The heal finished: the next one (if the relay loses the channel again) may start after the base pause. */
  succeeded(): void {
    this.failures = 0;
  }

  failed(): void {
    this.failures += 1;
  }

  private delayMs(): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** this.failures);
  }
}
