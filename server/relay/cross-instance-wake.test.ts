import { afterEach, describe, expect, it } from 'vitest';
import { wakeAcrossInstances } from './cross-instance-wake';
import { StreamHub } from './stream-hub';
import type { CommitListener, SharedCommits } from './store/types';

function fakeShared() {
  const table = new Map<string, number>();
  let notify: CommitListener = () => {};
  let gap: () => void = () => {};
  let watching = false;
  const shared: SharedCommits = {
    watch(onCommit, onGap) {
      notify = onCommit;
      gap = onGap;
      watching = true;
      return () => (watching = false);
    },
    lastSeqs: (ids) =>
      Promise.resolve(new Map(ids.flatMap((id) => (table.has(id) ? [[id, table.get(id)!] as const] : [])))),
  };
  return {
    shared,
    table,
    notify: (id: string, seq: number) => notify(id, seq),
    gap: () => gap(),
    watching: () => watching,
  };
}
function watchedHub(...channels: string[]) {
  const hub = new StreamHub();
  const wakes: string[] = [];
  // Each wake as `<channel>:<lastSeq>`, `?` when the waker could not know the sequence.
  for (const c of channels)
    hub.add(c, { wake: (seq) => wakes.push(`${c}:${seq ?? '?'}`), deliver: () => {}, end: () => {} });
  return { hub, wakes };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stops: Array<() => void> = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

describe('wakeAcrossInstances', () => {
  it('wakes a channel on each newer notification, once per sequence', () => {
    const f = fakeShared();
    const { hub, wakes } = watchedHub('a', 'b');
    stops.push(wakeAcrossInstances(f.shared, hub, { pollMs: 60_000 }));
    f.notify('a', 3);
    f.notify('a', 3); // the same commit heard twice (e.g. the poll raced it) wakes once
    f.notify('a', 2); // older than what we woke for
    f.notify('x', 1); // no stream here: nothing to wake
    f.notify('b', 1);
    expect(wakes).toEqual(['a:3', 'b:1']);
  });

  it('catches a missed notification with the poll, and wakes every stream after a reconnect', async () => {
    const f = fakeShared();
    const { hub, wakes } = watchedHub('a', 'b');
    stops.push(wakeAcrossInstances(f.shared, hub, { pollMs: 30 }));
    f.table.set('a', 1);
    f.table.set('b', 1);
    await sleep(80);
    expect(wakes.sort()).toEqual(['a:1', 'b:1']);
    wakes.length = 0;
    f.table.set('a', 2); // committed elsewhere; its NOTIFY never arrived
    await sleep(80);
    expect(wakes).toEqual(['a:2']);
    wakes.length = 0;
    f.gap();
    expect(wakes.sort()).toEqual(['a:?', 'b:?']);
  });

  it('stops listening and polling', async () => {
    const f = fakeShared();
    const { hub, wakes } = watchedHub('a');
    const stop = wakeAcrossInstances(f.shared, hub, { pollMs: 20 });
    expect(f.watching()).toBe(true);
    stop();
    expect(f.watching()).toBe(false);
    f.table.set('a', 5);
    await sleep(60);
    expect(wakes).toEqual([]);
  });
});
