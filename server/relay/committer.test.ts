import { describe, expect, it } from 'vitest';
import { GroupCommitter } from './committer';
import type { AppendOutcome, NewEvent, RelayStore } from './store/types';

function fakeStore(fail = false) {
  const batches: number[] = [];
  let seq = 0;
  const store = {
    appendEvents(batch: readonly NewEvent[]): Promise<AppendOutcome[]> {
      batches.push(batch.length);
      if (fail) return Promise.reject(new Error('disk full'));
      return Promise.resolve(batch.map((e) => ({ ok: true as const, event: { ...e, seq: ++seq } })));
    },
  } as unknown as RelayStore;
  return { store, batches };
}
const ev = (): NewEvent => ({
  channelId: 'c',
  receivedAt: 0,
  contentType: 'application/json',
  headers: {},
  query: {},
  body: Buffer.from('{}'),
});

describe('GroupCommitter', () => {
  it('commits appends requested in the same turn as one batch, in order', async () => {
    const { store, batches } = fakeStore();
    const committed: number[] = [];
    const c = new GroupCommitter(store, (o) => committed.push(o.length));
    const results = await Promise.all(Array.from({ length: 50 }, () => c.append(ev())));
    expect(batches).toEqual([50]);
    expect(committed).toEqual([50]);
    expect(results.map((r) => (r.ok ? r.event.seq : 0))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('caps batch size and drains everything', async () => {
    const { store, batches } = fakeStore();
    const c = new GroupCommitter(store, () => {}, { maxBatch: 20 });
    const all = Array.from({ length: 45 }, () => c.append(ev()));
    await c.drain();
    expect(batches).toEqual([20, 20, 5]);
    await Promise.all(all);
  });

  it('gathers what arrives while a batch is being made durable into the next batch', async () => {
    const batches: number[] = [];
    const releases: Array<() => void> = [];
    let seq = 0;
    const store = {
      appendEvents(batch: readonly NewEvent[]): Promise<AppendOutcome[]> {
        batches.push(batch.length);
        return new Promise((resolve) =>
          releases.push(() => resolve(batch.map((e) => ({ ok: true as const, event: { ...e, seq: ++seq } })))),
        );
      },
    } as unknown as RelayStore;
    const c = new GroupCommitter(store, () => {});
    const first = c.append(ev());
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([1]);
    // Seven more while the first is in flight: they wait, then go together.
    const more = Array.from({ length: 7 }, () => c.append(ev()));
    await new Promise((r) => setTimeout(r, 10));
    expect(batches).toEqual([1]);
    releases[0]!();
    expect((await first).ok).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([1, 7]);
    let drained = false;
    const drain = c.drain().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(drained).toBe(false);
    releases[1]!();
    await drain;
    expect((await Promise.all(more)).map((o) => (o.ok ? o.event.seq : 0))).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('rejects every caller of a failed batch (nothing is acknowledged)', async () => {
    const { store } = fakeStore(true);
    const c = new GroupCommitter(store, () => {});
    const results = await Promise.allSettled([c.append(ev()), c.append(ev())]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
