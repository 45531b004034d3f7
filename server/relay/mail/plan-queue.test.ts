import { describe, expect, it } from 'vitest';
import { createPlanQueue } from './plan-queue';

const event = (seq: number, bytes: number) => ({ seq, body: Buffer.alloc(bytes, 0x20) });

describe('plan queue', () => {
  it('hands out batches bounded by count and by body bytes, kept in memory or not, never below one event', async () => {
    const log = new Map<number, Buffer>();
    const reader = {
      async listEvents(_: string, after: number, limit: number) {
        return [...log].filter(([seq]) => seq > after && seq <= after + limit).map(([seq, body]) => ({ seq, body }));
      },
    };
    // Room in memory for one body: the rest keep only their sequence and size, and are read back when planned.
    const queue = createPlanQueue(reader, 1_000);
    for (const [seq, bytes] of [
      [1, 600],
      [2, 600],
      [3, 600],
      [4, 5_000],
      [5, 10],
      [6, 10],
    ] as const) {
      const e = event(seq, bytes);
      log.set(seq, e.body);
      queue.push('c', e);
    }
    const sizes: number[][] = [];
    while (queue.size() > 0) sizes.push(queue.take(3, 1_000).map((w) => w.bytes));
    // 600 + 600 reaches 1,000; 600 + 5,000 too; a lone giant would still come alone; the count ends the last.
    expect(sizes).toEqual([
      [600, 600],
      [600, 5_000],
      [10, 10],
    ]);
  });

  it('reads back the bodies it did not keep', async () => {
    const log = new Map<number, Buffer>([
      [1, Buffer.from('{"a":1}')],
      [2, Buffer.from('{"b":2}')],
    ]);
    const reader = {
      async listEvents(_: string, after: number, limit: number) {
        return [...log].filter(([seq]) => seq > after && seq <= after + limit).map(([seq, body]) => ({ seq, body }));
      },
    };
    const queue = createPlanQueue(reader, 8);
    queue.push('c', { seq: 1, body: log.get(1) as Buffer });
    queue.push('c', { seq: 2, body: log.get(2) as Buffer });
    const batch = queue.take(10);
    expect(batch.map((w) => w.body === undefined)).toEqual([false, true]);
    expect((await queue.withBodies(batch)).map((e) => e?.body.toString())).toEqual(['{"a":1}', '{"b":2}']);
  });
});
