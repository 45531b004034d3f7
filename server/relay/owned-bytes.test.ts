import { expect, it } from 'vitest';
import { ownedCopy } from './owned-bytes';

it('copies a pooled slice into a buffer of its own, with the same bytes', () => {
  const pooled = Buffer.from(JSON.stringify({ pad: 'x'.repeat(2000) }));
  expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength); // Node's allocation pool, as raw-body's

  const own = ownedCopy(pooled);
  expect(own.equals(pooled)).toBe(true);
  expect(own.byteOffset).toBe(0);
  expect(own.buffer.byteLength).toBe(own.byteLength);
  pooled.fill(0); // the slab's next tenant writing over it does not touch the copy
  expect(JSON.parse(own.toString()).pad).toHaveLength(2000);
});

it('returns a buffer that already owns its memory as it is', () => {
  const own = Buffer.alloc(5000, 1);
  expect(ownedCopy(own)).toBe(own);
});
