import { describe, expect, it } from 'vitest';
import { HealGuard } from './heal-guard';

const MIN = 60_000;

describe('HealGuard', () => {
  it('allows the first heal at once, then waits the base pause', () => {
    const g = new HealGuard({ baseDelayMs: MIN });
    expect(g.tryStart(0)).toBe(true);
    g.succeeded();
    expect(g.tryStart(30_000)).toBe(false);
    expect(g.tryStart(MIN)).toBe(true);
  });

  it('doubles the pause after each failure, up to the cap', () => {
    const g = new HealGuard({ baseDelayMs: MIN, maxDelayMs: 3 * MIN, maxPerHour: 100 });
    expect(g.tryStart(0)).toBe(true);
    g.failed();
    expect(g.tryStart(MIN)).toBe(false);
    expect(g.tryStart(2 * MIN)).toBe(true);
    g.failed();
    expect(g.tryStart(5 * MIN - 1)).toBe(false); // 4 min wanted, capped at 3
    expect(g.tryStart(5 * MIN)).toBe(true);
  });

  it('never more than maxPerHour heals in an hour, whatever succeeds', () => {
    const g = new HealGuard({ baseDelayMs: 1, maxPerHour: 3 });
    let t = 0;
    const started = [];
    for (let i = 0; i < 20; i++) {
      t += 5 * MIN;
      if (g.tryStart(t)) {
        started.push(t);
        g.succeeded();
      }
    }
    expect(started).toEqual([5 * MIN, 10 * MIN, 15 * MIN, 65 * MIN, 70 * MIN, 75 * MIN]);
  });
});
