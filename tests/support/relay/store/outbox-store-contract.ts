import { afterEach, describe, expect, it } from 'vitest';
import type { NewOutboxItem, OutboxStore } from '../../../../server/relay/mail/outbox-store';

/** Test support (not a test file): the behaviour every OutboxStore adapter must show, run once per engine. */

/** A fresh, empty outbox, and a way to open more handles on the SAME storage (other instances). */
export type OpenEmptyOutbox = () => Promise<{
  store: OutboxStore;
  sibling: () => Promise<OutboxStore>;
  close: () => Promise<void>;
}>;

const item = (key: string, createdAt = 1000): NewOutboxItem => ({
  key,
  channelId: 'c',
  seq: 3,
  kind: 'created:attendee',
  createdAt,
  to: { name: 'Sam', address: 'sam@example.net' },
  profile: {
    slug: 'dana',
    name: 'Dana',
    email: 'dana@example.com',
    preparationTips: 'Sleep well',
    emailsEnabled: true,
  },
});

/** Defines the shared outbox contract suite for one adapter. */
export function describeOutboxStore(name: string, openEmpty: OpenEmptyOutbox): void {
  describe(`${name} outbox store (contract)`, () => {
    const closers: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const c of closers.splice(0)) await c();
    });
    const open = async () => {
      const o = await openEmpty();
      closers.push(o.close);
      return o;
    };

    it('ignores duplicate keys, claims due rows once, and re-offers a row whose lease expired (crashed worker)', async () => {
      const { store: s } = await open();
      expect(await s.enqueue([item('a'), item('b'), item('a')])).toBe(2);
      expect(await s.enqueue([item('a')])).toBe(0);
      const claimed = await s.claimDue(1000, 10, 500);
      expect(claimed.map((r) => r.key)).toEqual(['a', 'b']);
      expect(await s.claimDue(1200, 10, 500)).toEqual([]); // leased
      await s.markSent(claimed[0]!.id, 1300);
      expect(await s.nextDueAt()).toBe(1500);
      expect((await s.claimDue(1500, 10, 500)).map((r) => r.key)).toEqual(['b']); // lease expired
      await s.markRetry(claimed[1]!.id, 5000, 'ESOCKET');
      expect(await s.nextDueAt()).toBe(5000);
      expect(await s.claimDue(4999, 10, 500)).toEqual([]);
      const again = await s.claimDue(5000, 10, 500);
      expect(again[0]).toEqual({
        id: again[0]!.id,
        key: 'b',
        channelId: 'c',
        seq: 3,
        kind: 'created:attendee',
        attempts: 1,
        createdAt: 1000,
        to: item('b').to,
        profile: item('b').profile,
      });
      await s.release(again[0]!.id);
      expect(await s.counts()).toEqual({ pending: 1, sent: 1, failed: 0 });
      await s.markFailed(again[0]!.id, 6000, '550');
      expect(await s.counts()).toEqual({ pending: 0, sent: 1, failed: 1 });
      expect(await s.nextDueAt()).toBeUndefined();
      expect(await s.prune(1001)).toBe(2);
    });

    it('records a batch of sent rows at once, leaving the rest of the claim leased', async () => {
      const { store: s } = await open();
      await s.enqueue([item('a'), item('b'), item('c')]);
      const claimed = await s.claimDue(1000, 10, 500);
      await s.markSentAll([claimed[0]!.id, claimed[2]!.id], 1100);
      await s.markSentAll([], 1100);
      expect(await s.counts()).toEqual({ pending: 1, sent: 2, failed: 0 });
      expect(await s.nextDueAt()).toBe(1500); // b's lease
      expect((await s.claimDue(1500, 10, 500)).map((r) => r.key)).toEqual(['b']);
    });

    it('moves the per-channel cursor forward only, with the enqueue, and knows when it was installed', async () => {
      const { store: s } = await open();
      expect(await s.getCursor('c')).toBeUndefined();
      await s.enqueue([item('a')], [{ channelId: 'c', seq: 7 }]);
      await s.enqueue([], [{ channelId: 'c', seq: 5 }]);
      expect(await s.getCursor('c')).toBe(7);
      expect(Math.abs((await s.installedAt()) - Date.now())).toBeLessThan(5 * 60_000);
    });

    it("moves many channels' cursors with one enqueue: each forward only, the highest of repeats", async () => {
      const { store: s } = await open();
      await s.enqueue([], [{ channelId: 'x', seq: 9 }]);
      const added = await s.enqueue(
        [item('a'), { ...item('b'), channelId: 'y' }],
        [
          { channelId: 'y', seq: 4 },
          { channelId: 'x', seq: 3 },
          { channelId: 'z', seq: 2 },
          { channelId: 'y', seq: 6 },
          { channelId: 'y', seq: 5 },
        ],
      );
      expect(added).toBe(2);
      expect([await s.getCursor('x'), await s.getCursor('y'), await s.getCursor('z')]).toEqual([9, 6, 2]);
    });

    it("forgets a deleted channel's delivered rows and cursor but still sends what is pending", async () => {
      const { store: s } = await open();
      await s.enqueue([item('a'), item('b'), { ...item('c'), channelId: 'other' }], [{ channelId: 'c', seq: 7 }]);
      const [a] = await s.claimDue(1000, 1, 100);
      await s.markSent(a!.id, 1000);
      expect(await s.forgetChannel('c')).toBe(1);
      expect(await s.getCursor('c')).toBeUndefined();
      expect(await s.counts()).toEqual({ pending: 2, sent: 0, failed: 0 });
    });

    it("keeps its counts exact: a row marked sent twice counts once, and pruned, forgotten and siblings' rows count", async () => {
      const { store: s, sibling } = await open();
      const other = await sibling();
      await s.enqueue([item('a'), item('b'), item('c'), { ...item('d'), channelId: 'gone' }]);
      const [a, b, c, d] = await s.claimDue(1000, 10, 500);
      await s.markSent(a!.id, 1100);
      // The lease ran out, another worker sent it again and recorded it too (the same email: at least once).
      await other.markSentAll([a!.id], 1600);
      await other.markFailed(b!.id, 1100, '550');
      await s.markSent(d!.id, 1100);
      expect(await s.counts()).toEqual({ pending: 1, sent: 2, failed: 1 });
      expect(await other.counts()).toEqual({ pending: 1, sent: 2, failed: 1 });
      expect(await other.forgetChannel('gone')).toBe(1);
      expect(await s.counts()).toEqual({ pending: 1, sent: 1, failed: 1 });
      await s.markRetry(c!.id, 3000, 'ESOCKET');
      expect(await s.counts()).toEqual({ pending: 1, sent: 1, failed: 1 });
      expect(await s.prune(1001)).toBe(2);
      expect(await s.counts()).toEqual({ pending: 1, sent: 0, failed: 0 });
    });

    it('hands each due row to exactly one of several workers claiming at once (each email sent once)', async () => {
      const { store, sibling } = await open();
      const workers = [store, await sibling(), await sibling()];
      await store.enqueue(Array.from({ length: 60 }, (_, i) => item(`k${i}`)));
      const rounds = await Promise.all(
        workers.flatMap((w) => Array.from({ length: 4 }, () => w.claimDue(2000, 10, 60_000))),
      );
      const keys = rounds.flat().map((r) => r.key);
      expect(keys.length).toBe(60);
      expect(new Set(keys).size).toBe(60);
    });
  });
}
