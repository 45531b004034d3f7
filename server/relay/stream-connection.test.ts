import { describe, expect, it } from 'vitest';
import { resumeFrom } from './stream-connection';

describe('resumeFrom', () => {
  it.each([
    // requested, {lastSeq, oldestSeq}, expected
    [0, { lastSeq: 0, oldestSeq: 0 }, { cursor: 0, reset: false }], // empty channel
    [0, { lastSeq: 5, oldestSeq: 1 }, { cursor: 0, reset: false }], // everything retained
    [3, { lastSeq: 5, oldestSeq: 1 }, { cursor: 3, reset: false }],
    [5, { lastSeq: 5, oldestSeq: 1 }, { cursor: 5, reset: false }], // up to date
    [3, { lastSeq: 5, oldestSeq: 4 }, { cursor: 3, reset: false }], // next one still retained
    [2, { lastSeq: 5, oldestSeq: 4 }, { cursor: 3, reset: true }], // seq 3 was pruned
    [0, { lastSeq: 5, oldestSeq: 0 }, { cursor: 5, reset: true }], // all pruned
    [5, { lastSeq: 5, oldestSeq: 0 }, { cursor: 5, reset: false }], // all pruned, but seen them all
    [9, { lastSeq: 5, oldestSeq: 2 }, { cursor: 1, reset: true }], // beyond the log (relay data lost): replay what exists
  ])('requested %i with %o → %o', (requested, b, expected) => {
    expect(resumeFrom(requested, { ...b, ackedSeq: 0 })).toEqual(expected);
  });
});
