import fc from 'fast-check';
import { expect, it } from 'vitest';
import { isoTime } from './iso-time';

it('formats exactly as Date#toISOString, fast path and fallbacks alike', () => {
  const edges = [
    0, 1, 951_782_400_000, 951_868_800_000, 4_107_542_399_999, 253_402_300_799_999, 253_402_300_800_000, -1,
    -62_198_755_200_000, 1.5, 8.64e15,
  ];
  for (const ms of edges) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  fc.assert(
    fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => isoTime(ms) === new Date(ms).toISOString()),
    { numRuns: 20_000 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => isoTime(ms) === new Date(ms).toISOString()),
    { numRuns: 20_000 },
  );
});
