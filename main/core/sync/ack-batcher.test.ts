import { expect, it, vi } from 'vitest';
import { createAckBatcher } from './ack-batcher';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

it('batches acks after a quiet period, acks at once past the batch size, and never settles for an older ack', async () => {
  let cursor = 0;
  const acked: number[] = [];
  let release: (() => void) | undefined;
  let slow = false;
  const batcher = createAckBatcher({
    random: Math.random,
    cursor: () => cursor,
    ack: async (upTo) => {
      if (slow) await new Promise<void>((r) => (release = r));
      acked.push(upTo);
    },
    delayMs: 30,
    batch: 10,
    logger: quiet,
  });
  cursor = 3;
  batcher.schedule();
  cursor = 5;
  batcher.schedule();
  expect(acked).toEqual([]);
  await vi.waitFor(() => expect(acked).toEqual([5]));
  cursor = 20;
  batcher.schedule(); // 15 pending ≥ 10: immediately
  await vi.waitFor(() => expect(acked).toEqual([5, 20]));
  slow = true;
  cursor = 21;
  const first = batcher.flush();
  await vi.waitFor(() => expect(release).not.toBe(undefined));
  cursor = 22;
  const second = batcher.flush(); // must not resolve with only 21 acked
  slow = false;
  release?.();
  await Promise.all([first, second]);
  expect(acked).toEqual([5, 20, 21, 22]);
  batcher.stop();
});

it('retries a failed ack with the next flush', async () => {
  let fail = true;
  const acked: number[] = [];
  const batcher = createAckBatcher({
    random: Math.random,
    cursor: () => 4,
    ack: async (upTo) => {
      if (fail) throw new Error('503');
      acked.push(upTo);
    },
    delayMs: 10,
    logger: quiet,
  });
  await batcher.flush();
  fail = false;
  await batcher.flush();
  expect(acked).toEqual([4]);
});

it('retries a failed ack on its own with backoff, even when no further event comes (issue 22)', async () => {
  let failures = 2;
  const acked: number[] = [];
  const batcher = createAckBatcher({
    random: Math.random,
    cursor: () => 7,
    ack: async (upTo) => {
      if (failures-- > 0) throw new Error('relay down');
      acked.push(upTo);
    },
    delayMs: 10,
    logger: quiet,
    retryBackoff: { baseMs: 20, maxMs: 40 },
  });
  batcher.schedule();
  await vi.waitFor(() => expect(acked).toEqual([7]), { timeout: 2_000 });
  batcher.stop();
});
