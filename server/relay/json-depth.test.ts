import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from './json-depth';

/** Nesting depth of a parsed value, the reference the byte scan must agree with. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('nestsDeeperThan', () => {
  it('agrees with the depth of the parsed value for any JSON, strings with brackets, quotes and escapes included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, max) => {
        const text = Buffer.from(JSON.stringify(value));
        expect(nestsDeeperThan(text, max)).toBe(depthOf(value) > max);
      }),
      { numRuns: 2000 },
    );
  });

  it('sees through the strings that look like nesting', () => {
    expect(nestsDeeperThan(Buffer.from('{"a":"[[[[{{{{"}'), 1)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(String.raw`{"a":"\"[[[["}`), 1)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(String.raw`{"a":"\\","b":[[1]]}`), 2)).toBe(true);
    expect(nestsDeeperThan(Buffer.from(String.raw`{"a":"\\\"[[","b":[1]}`), 2)).toBe(false);
  });

  it('stops at the first level too deep, however long the body', () => {
    const deep = Buffer.from('['.repeat(500_000) + ']'.repeat(500_000));
    expect(nestsDeeperThan(deep, 64)).toBe(true);
    expect(nestsDeeperThan(Buffer.from('[[1]]'), 2)).toBe(false);
  });
});
