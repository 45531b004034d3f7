import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { catchUp, type LoggedEvent } from './catch-up';
import { quietLogger } from '../../../tests/support/relay/mail/mail-test-kit';
import { takeWithin } from '../store/event-page';
import { createSqliteOutboxStore } from '../store/sqlite/sqlite-outbox-store';

const ev = (seq: number, receivedAt: number): LoggedEvent => ({ seq, receivedAt, body: Buffer.from('{}') });

describe('catchUp', () => {
  it('replays events after the cursor, skips the stale and those before the outbox existed, pages through long logs', async () => {
    const store = createSqliteOutboxStore(new Database(':memory:'));
    const installed = await store.installedAt();
    const now = installed + 10 * 86_400_000;
    await store.enqueue([], [{ channelId: 'a', seq: 2 }]);
    const logs: Record<string, LoggedEvent[]> = {
      a: [ev(1, now), ev(2, now), ev(3, now - 2 * 86_400_000), ev(4, now - 1000)],
      // Never seen by the mailer: everything is replayed, but events older than the outbox are history, not news.
      b: [ev(1, installed - 5), ...Array.from({ length: 250 }, (_, i) => ev(i + 2, now))],
    };
    const log = {
      backlog: async () => Object.keys(logs).map((channelId) => ({ channelId })),
      listEvents: async (channelId: string, after: number, limit: number) =>
        (logs[channelId] ?? []).filter((e) => e.seq > after).slice(0, limit),
    };
    const enqueue = vi.fn(async (channelId: string, e: LoggedEvent, skip: boolean) => {
      await store.enqueue([], [{ channelId, seq: e.seq }]);
      return skip ? 0 : 1;
    });
    expect(await catchUp({ log, store, enqueue, now, maxAgeMs: 86_400_000, logger: quietLogger() })).toBe(1 + 250);
    const calls = enqueue.mock.calls.map(([c, e, skip]) => `${c}${e.seq}${skip ? 's' : ''}`);
    expect(calls.slice(0, 3)).toEqual(['a3s', 'a4', 'b1s']);
    expect(calls).toHaveLength(2 + 251);
    expect(await store.getCursor('b')).toBe(251);
    // A second pass finds nothing new.
    enqueue.mockClear();
    expect(await catchUp({ log, store, enqueue, now, maxAgeMs: 86_400_000, logger: quietLogger() })).toBe(0);
    expect(enqueue).not.toHaveBeenCalled();
  });

  it('reads the log in pages bounded by bytes, and goes on past a page cut by them', async () => {
    const store = createSqliteOutboxStore(new Database(':memory:'));
    const now = (await store.installedAt()) + 1000;
    const mib = Buffer.alloc(1024 * 1024, 0x20);
    const events = Array.from({ length: 10 }, (_, i): LoggedEvent => ({ seq: i + 1, receivedAt: now, body: mib }));
    const pages: number[] = [];
    const log = {
      backlog: async () => [{ channelId: 'a' }],
      listEvents: async (_: string, after: number, limit: number, maxBytes?: number) => {
        expect(maxBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
        const page = takeWithin(
          events.filter((e) => e.seq > after),
          { limit, maxBytes: maxBytes ?? Infinity },
        );
        pages.push(page.length);
        return page;
      },
    };
    const enqueue = async (channelId: string, e: LoggedEvent) => {
      await store.enqueue([], [{ channelId, seq: e.seq }]);
      return 1;
    };
    expect(await catchUp({ log, store, enqueue, now, maxAgeMs: 86_400_000, logger: quietLogger() })).toBe(10);
    expect(pages).toEqual([4, 4, 2]);
  });

  it('lets the event loop run while it walks many channels with nothing new (security review 41)', async () => {
    const store = createSqliteOutboxStore(new Database(':memory:'));
    const now = (await store.installedAt()) + 1000;
    // Reads that answer at once, as SQLite's do: without turns of the loop between channels, no timer runs until the end.
    const channels = Array.from({ length: 5_000 }, (_, i) => ({ channelId: `ch${i}` }));
    let read = 0;
    const log = {
      backlog: async () => channels,
      listEvents: async () => (read++, []),
    };
    const readsWhenTimersRan: number[] = [];
    const timer = setInterval(() => readsWhenTimersRan.push(read), 0);
    try {
      const enqueue = async () => 0;
      expect(await catchUp({ log, store, enqueue, now, maxAgeMs: 86_400_000, logger: quietLogger() })).toBe(0);
    } finally {
      clearInterval(timer);
    }
    expect(read).toBe(5_000);
    // Timers ran while channels were still being read, not only once it was over.
    expect(readsWhenTimersRan.some((n) => n > 0 && n < 5_000)).toBe(true);
  });
});
