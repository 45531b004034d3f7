import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../../../server/relay/crypto';
import type { NewEvent, RelayStore } from '../../../../server/relay/store/types';

/** Test support (not a test file): the behaviour every RelayStore adapter must show, run once per engine. */

/** A fresh, empty storage: the store, and a way to open more handles on the SAME storage (other instances). */
export type OpenEmptyStore = () => Promise<{ store: RelayStore; sibling: () => Promise<RelayStore> }>;

export const testEvent = (channelId: string, receivedAt: number, body = '{}'): NewEvent => ({
  channelId,
  receivedAt,
  contentType: 'application/json',
  headers: { 'x-cal-webhook-version': '2021-10-20', 'content-type': 'application/json' },
  query: {},
  body: Buffer.from(body),
});

/** Defines the shared contract suite for one adapter. */
export function describeRelayStore(name: string, openEmpty: OpenEmptyStore): void {
  describe(`${name} relay store (contract)`, () => {
    const opened: RelayStore[] = [];
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });
    const open = async () => {
      const { store, sibling } = await openEmpty();
      opened.push(store);
      return {
        store,
        sibling: async () => {
          const s = await sibling();
          opened.push(s);
          return s;
        },
      };
    };
    const a = 'a'.repeat(24);
    const b = 'b'.repeat(24);
    const ev = testEvent;

    it('stores channels with their token hash and secret', async () => {
      const { store } = await open();
      await store.createChannel({ id: a, tokenHash: hashToken('t'), createdAt: 1700000000000 });
      const c = await store.getChannel(a);
      expect(c?.tokenHash.equals(hashToken('t'))).toBe(true);
      expect(c).toMatchObject({ id: a, secret: null, createdAt: 1700000000000, lastSeq: 0, ackedSeq: 0 });
      expect(await store.getChannel(b)).toBeUndefined();
      await expect(store.createChannel({ id: a, tokenHash: hashToken('u'), createdAt: 2 })).rejects.toThrow();
    });

    it('assigns per-channel monotonic sequences in one batch, and reports vanished channels', async () => {
      const { store } = await open();
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
      await store.createChannel({ id: b, tokenHash: hashToken('2'), createdAt: 1 });
      const out = await store.appendEvents([ev(a, 1), ev(b, 1), ev(a, 1), ev('z'.repeat(24), 1), ev(a, 1, '{"x":1}')]);
      expect(out.map((o) => (o.ok ? `${o.event.channelId[0]}${o.event.seq}` : o.reason))).toEqual([
        'a1',
        'b1',
        'a2',
        'channel_not_found',
        'a3',
      ]);
      const listed = await store.listEvents(a, 1, 10);
      expect(listed.map((e) => e.seq)).toEqual([2, 3]);
      expect(listed[1]?.body.toString()).toBe('{"x":1}');
      // Header order is part of the SSE wire format: it must come back exactly as stored.
      expect(Object.keys(listed[1]!.headers)).toEqual(['x-cal-webhook-version', 'content-type']);
      expect(await store.bounds(a)).toMatchObject({ lastSeq: 3, oldestSeq: 1, ackedSeq: 0 });
      expect(await store.appendEvents([])).toEqual([]);
    });

    it('hands back the canonical-JSON mark of ingest on the appended event, and reads events back without it', async () => {
      const { store } = await open();
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
      const out = await store.appendEvents([{ ...ev(a, 1), canonicalJson: true }, ev(a, 1)]);
      expect(out.map((o) => o.ok && o.event.canonicalJson)).toEqual([true, undefined]);
      expect((await store.listEvents(a, 0, 10)).map((e) => e.canonicalJson)).toEqual([undefined, undefined]);
    });

    it('keeps raw bodies byte for byte, and pages in order', async () => {
      const { store } = await open();
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
      const raw = Buffer.from([0, 0xff, 0xfe, 0x5c, 0x78, 0x0a, 0xc3, 0xa9]);
      await store.appendEvents([
        { ...ev(a, 1), body: raw, query: { q: 'é' } },
        ...Array.from({ length: 9 }, () => ev(a, 2)),
      ]);
      const [first] = await store.listEvents(a, 0, 1);
      expect(first?.body.equals(raw)).toBe(true);
      expect(first?.query).toEqual({ q: 'é' });
      expect((await store.listEvents(a, 3, 4)).map((e) => e.seq)).toEqual([4, 5, 6, 7]);
      expect(await store.listEvents(a, 10, 5)).toEqual([]);
    });

    it('cuts a page by the bytes of its bodies too, and never below one event', async () => {
      const { store } = await open();
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
      await store.appendEvents([10, 20, 30, 5000, 10].map((n) => ev(a, 1, 'x'.repeat(n))));
      const seqs = async (after: number, limit: number, maxBytes?: number) =>
        (await store.listEvents(a, after, limit, maxBytes)).map((e) => e.seq);
      expect(await seqs(0, 10, 30)).toEqual([1, 2]); // 10 + 20 reaches 30: the page ends there
      expect(await seqs(0, 10, 31)).toEqual([1, 2, 3]);
      expect(await seqs(3, 10, 100)).toEqual([4]); // larger than the bound on its own: it comes alone
      expect(await seqs(0, 2, 1_000_000)).toEqual([1, 2]);
      expect(await seqs(0, 10)).toEqual([1, 2, 3, 4, 5]);
      expect(await seqs(5, 10, 1)).toEqual([]);
      const [big] = await store.listEvents(a, 3, 10, 100);
      expect(big?.body.toString()).toBe('x'.repeat(5000));
    });

    it('lists the channels nobody set up (no secret, no event) created before a time, oldest first', async () => {
      const { store } = await open();
      const c = 'c'.repeat(24);
      const d = 'd'.repeat(24);
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 100 });
      await store.createChannel({ id: b, tokenHash: hashToken('2'), createdAt: 50 });
      await store.createChannel({ id: c, tokenHash: hashToken('3'), createdAt: 10 });
      await store.createChannel({ id: d, tokenHash: hashToken('4'), createdAt: 20 });
      await store.setSecret(c, 'x'.repeat(16)); // set up
      await store.appendEvents([ev(d, 30)]); // has had an event (stores do not check the secret)
      expect(await store.abandonedChannels(200, 10)).toEqual([b, a]);
      expect(await store.abandonedChannels(200, 1)).toEqual([b]);
      expect(await store.abandonedChannels(60, 10)).toEqual([b]);
      expect(await store.abandonedChannels(50, 10)).toEqual([]);
    });

    it('acks forward only, clamped to the last sequence', async () => {
      const { store } = await open();
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
      await store.appendEvents([ev(a, 1), ev(a, 1), ev(a, 1)]);
      expect(await store.ack(a, 2)).toBe(2);
      expect(await store.ack(a, 1)).toBe(2);
      expect(await store.ack(a, 9)).toBe(3);
      expect(await store.ack(b, 1)).toBe(0);
    });

    it('prunes acked events after the short window and unacked ones after the long window', async () => {
      const { store } = await open();
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
      await store.appendEvents([ev(a, 100), ev(a, 100), ev(a, 200), ev(a, 300)]);
      await store.ack(a, 3);
      // acked window cuts at 250: seq 1-3 are acked and older → gone; 4 is unacked and newer than 150 → kept.
      expect(await store.prune({ unackedBefore: 150, ackedBefore: 250 })).toBe(3);
      expect(await store.bounds(a)).toMatchObject({ lastSeq: 4, oldestSeq: 4, ackedSeq: 3 });
      expect(await store.prune({ unackedBefore: 301, ackedBefore: 0 })).toBe(1);
      expect(await store.bounds(a)).toEqual({ lastSeq: 4, oldestSeq: 0, ackedSeq: 3, storedBytes: 0 });
      // The sequence never restarts after pruning.
      const [next] = await store.appendEvents([ev(a, 400)]);
      expect(next?.ok && next.event.seq).toBe(5);
    });

    it('counts the bytes a channel holds, exactly, through appends, acks and retention', async () => {
      const { store } = await open();
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
      // Non-ASCII in all three stored parts: bytes, not characters, are counted on the way in and on the way out.
      const odd = { ...ev(a, 100, '{"n":"é"}'), headers: { 'user-agent': 'Cal.com ✓' }, query: { q: 'ß' } };
      const size = (e: NewEvent) =>
        e.body.length + Buffer.byteLength(JSON.stringify(e.headers)) + Buffer.byteLength(JSON.stringify(e.query));
      await store.appendEvents([odd, ev(a, 200, '{"x":1}')]);
      await store.appendEvents([ev(a, 300, 'x'.repeat(1000))]);
      const all = size(odd) + size(ev(a, 200, '{"x":1}')) + size(ev(a, 300, 'x'.repeat(1000)));
      expect((await store.bounds(a))?.storedBytes).toBe(all);
      await store.ack(a, 1);
      expect(await store.prune({ unackedBefore: 0, ackedBefore: 150 })).toBe(1);
      expect((await store.bounds(a))?.storedBytes).toBe(all - size(odd));
      expect(await store.prune({ unackedBefore: 301, ackedBefore: 0 })).toBe(2);
      expect((await store.bounds(a))?.storedBytes).toBe(0);
    });

    it('refuses appends to a channel already holding maxChannelBytes until retention frees them', async () => {
      const { store } = await open();
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
      await store.createChannel({ id: b, tokenHash: hashToken('2'), createdAt: 1 });
      const cap = 1500;
      const big = (at: number) => ev(a, at, 'x'.repeat(1000));
      const outcome = async (batch: NewEvent[]) =>
        (await store.appendEvents(batch, cap)).map((o) => (o.ok ? o.event.seq : o.reason));
      expect(await outcome([big(1)])).toEqual([1]); // 0 held: taken
      expect(await outcome([big(2)])).toEqual([2]); // ~1 KB held, under the cap: taken (overshoots to ~2 KB)
      // Full: refused, with nothing stored or numbered; another channel in the same batch goes on, as does a missing one.
      expect(await outcome([big(3), ev(b, 3), ev('z'.repeat(24), 3)])).toEqual([
        'channel_full',
        1,
        'channel_not_found',
      ]);
      expect(await store.bounds(a)).toMatchObject({ lastSeq: 2, oldestSeq: 1 });
      expect((await store.listEvents(a, 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
      // With no cap given, appends are not limited.
      expect((await store.appendEvents([big(4)])).map((o) => o.ok)).toEqual([true]);
      await store.prune({ unackedBefore: 5, ackedBefore: 0 });
      expect(await outcome([big(6)])).toEqual([4]);
    });

    it('reports backlog and deletes channels with their events', async () => {
      const { store } = await open();
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
      await store.appendEvents([ev(a, 1), ev(a, 1)]);
      await store.ack(a, 1);
      expect(await store.backlog()).toEqual([{ channelId: a, count: 1 }]);
      expect(await store.setSecret(a, 'x'.repeat(16))).toBe(true);
      expect(await store.setSecret(b, 'x'.repeat(16))).toBe(false);
      expect((await store.getChannel(a))?.secret).toBe('x'.repeat(16));
      expect(await store.deleteChannel(a)).toBe(true);
      expect(await store.deleteChannel(a)).toBe(false);
      expect(await store.listEvents(a, 0, 10)).toEqual([]);
      expect(await store.bounds(a)).toBeUndefined();
      expect(await store.backlog()).toEqual([]);
    });

    it('counts the backlog from the cursors and the oldest kept event: right after acks, prunes and for empty channels', async () => {
      const { store } = await open();
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
      await store.createChannel({ id: b, tokenHash: hashToken('2'), createdAt: 1 });
      await store.appendEvents([ev(a, 100), ev(a, 100), ev(a, 200), ev(a, 300), ev(a, 400)]);
      const sorted = (rows: Array<{ channelId: string; count: number }>) =>
        [...rows].sort((x, y) => x.channelId.localeCompare(y.channelId));
      const expected = (countA: number) =>
        sorted([
          { channelId: a, count: countA },
          { channelId: b, count: 0 },
        ]);
      expect(sorted(await store.backlog())).toEqual(expected(5));
      await store.ack(a, 2);
      expect(sorted(await store.backlog())).toEqual(expected(3));
      // Acked events pruned: the unacked count is unchanged.
      await store.prune({ unackedBefore: 0, ackedBefore: 1_000 });
      expect(sorted(await store.backlog())).toEqual(expected(3));
      // Unacked events past retention (seq 3, received at 200) leave the count.
      await store.prune({ unackedBefore: 250, ackedBefore: 0 });
      expect(sorted(await store.backlog())).toEqual(expected(2));
      await store.ack(a, 5);
      expect(sorted(await store.backlog())).toEqual(expected(0));
      await store.prune({ unackedBefore: 0, ackedBefore: 1_000 });
      expect(sorted(await store.backlog())).toEqual(expected(0));
      await store.appendEvents([ev(a, 500)]);
      expect(sorted(await store.backlog())).toEqual(expected(1));
    });

    it('keeps sequences gap-free and unique when several handles append to one channel at once', async () => {
      const { store, sibling } = await open();
      const others = [await sibling(), await sibling()];
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
      await store.createChannel({ id: b, tokenHash: hashToken('2'), createdAt: 1 });
      const writers = [store, ...others];
      // Every handle appends batches touching both channels in different orders (a deadlock trap for naive locking).
      const results = await Promise.all(
        writers.flatMap((w, i) =>
          Array.from({ length: 10 }, (_, k) =>
            w.appendEvents(
              k % 2 ? [ev(a, 1, `{"w":${i},"k":${k}}`), ev(b, 1)] : [ev(b, 1), ev(a, 1, `{"w":${i},"k":${k}}`)],
            ),
          ),
        ),
      );
      const seqsA = results.flat().flatMap((o) => (o.ok && o.event.channelId === a ? [o.event.seq] : []));
      expect([...seqsA].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      const listed = await others[0]!.listEvents(a, 0, 100);
      expect(listed.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(new Set(listed.map((e) => e.body.toString())).size).toBe(30);
      expect((await store.bounds(b))?.lastSeq).toBe(30);
    });

    it('prunes safely when several handles prune at once', async () => {
      const { store, sibling } = await open();
      const other = await sibling();
      await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
      await store.appendEvents(Array.from({ length: 50 }, () => ev(a, 10)));
      await store.appendEvents([ev(a, 500)]);
      const cut = { unackedBefore: 100, ackedBefore: 0 };
      const [x, y] = await Promise.all([store.prune(cut), other.prune(cut)]);
      expect(x + y).toBe(50);
      expect(await store.bounds(a)).toMatchObject({ lastSeq: 51, oldestSeq: 51, ackedSeq: 0 });
    });

    it('rejects after close instead of throwing synchronously', async () => {
      const { store } = await open();
      await store.close();
      await expect(store.ping()).rejects.toThrow(/closed/);
      await expect(store.appendEvents([ev(a, 1)])).rejects.toThrow(/closed/);
      await store.close();
    });
  });
}
