import { describe, expect, it } from 'vitest';
import { perTurnBatch } from './per-turn-batch';

describe('perTurnBatch', () => {
  it('runs the calls of one turn together, in call order, and later calls in a run of their own', async () => {
    const runs: number[][] = [];
    const double = perTurnBatch(async (calls: readonly number[]) => {
      runs.push([...calls]);
      return calls.map((c) => c * 2);
    });
    expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
    expect(await double(4)).toBe(8);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it('fails every call of a run that fails, and the next turn runs again', async () => {
    let fail = true;
    const echo = perTurnBatch((calls: readonly string[]) => {
      if (fail) throw new Error('storage down');
      return calls;
    });
    const failed = await Promise.allSettled([echo('a'), echo('b')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await echo('c')).toBe('c');
  });
});
