import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics';
import { takeWithin } from './store/event-page';
import type { RelayStore, StoredEvent } from './store/types';
import { resumeFrom, StreamConnection } from './stream-connection';
import { StreamHub } from './stream-hub';

describe('resumeFrom', () => {
  it.each([
    // requested, {lastSeq, oldestSeq}, expected
    [0, { lastSeq: 0, oldestSeq: 0 }, { cursor: 0, reset: false }], // empty channel
    [0, { lastSeq: 5, oldestSeq: 1 }, { cursor: 0, reset: false }], // everything retained
    [3, { lastSeq: 5, oldestSeq: 1 }, { cursor: 3, reset: false }],
    [5, { lastSeq: 5, oldestSeq: 1 }, { cursor: 5, reset: false }], // up to date
    [3, { lastSeq: 5, oldestSeq: 4 }, { cursor: 3, reset: false }], // next one still retained
    [2, { lastSeq: 5, oldestSeq: 4 }, { cursor: 3, reset: true }], // seq 3 was pruned
    [0, { lastSeq: 5, oldestSeq: 0 }, { cursor: 5, reset: true }], // all pruned
    [5, { lastSeq: 5, oldestSeq: 0 }, { cursor: 5, reset: false }], // all pruned, but seen them all
    [9, { lastSeq: 5, oldestSeq: 2 }, { cursor: 1, reset: true }], // beyond the log (relay data lost): replay what exists
  ])('requested %i with %o → %o', (requested, b, expected) => {
    expect(resumeFrom(requested, { ...b, ackedSeq: 0, storedBytes: 0 })).toEqual(expected);
  });
});

describe('StreamConnection buffering', () => {
  /** A response whose client never reads: everything written stays buffered; the largest buffer is recorded. */
  function stalledResponse() {
    const res = Object.assign(new EventEmitter(), {
      writableLength: 0,
      maxBuffered: 0,
      locals: {},
      write(chunk: string) {
        res.writableLength += Buffer.byteLength(chunk);
        res.maxBuffered = Math.max(res.maxBuffered, res.writableLength);
        return false;
      },
      end: () => undefined,
      destroy: () => res.emit('close'),
    });
    return res;
  }

  it('never buffers more than its buffer size and one event, from memory or from storage', async () => {
    const channelId = 'c'.repeat(24);
    const log: StoredEvent[] = [];
    const event = (seq: number): StoredEvent => ({
      channelId,
      seq,
      receivedAt: 0,
      contentType: 'application/json',
      headers: {},
      query: {},
      body: Buffer.from(JSON.stringify({ pad: 'x'.repeat(100_000) })),
    });
    const store = {
      bounds: async () => ({ lastSeq: log.length, oldestSeq: log.length ? 1 : 0, ackedSeq: 0, storedBytes: 0 }),
      listEvents: async (_: string, after: number, limit: number, maxBytes = Infinity) =>
        takeWithin(
          log.filter((e) => e.seq > after),
          { limit, maxBytes },
        ),
    } as unknown as RelayStore;
    const hub = new StreamHub();
    const metrics = createMetrics(
      () => undefined,
      () => undefined,
    );
    const res = stalledResponse();
    const bufferBytes = 256 * 1024;
    const connection = new StreamConnection(res as unknown as Response, channelId, {
      store,
      hub,
      metrics,
      logger: pino({ level: 'silent' }),
      heartbeatMs: 60_000,
      bufferBytes,
      drainTimeoutMs: 200,
      maxPerChannel: 4,
    });
    await connection.start(0);
    // One commit of six 100 KB events reaches the caught-up stream: 600 KB at once if written from memory.
    const batch = [1, 2, 3, 4, 5, 6].map(event);
    log.push(...batch);
    hub.deliver(channelId, batch);
    await new Promise((r) => setTimeout(r, 400)); // the drain timeout passes and the stream is dropped
    expect(res.maxBuffered).toBeGreaterThan(0);
    expect(res.maxBuffered).toBeLessThanOrEqual(bufferBytes + 110_000);
    expect(hub.has(channelId)).toBe(false);
  });
  it('lets the event loop run between the pages of a replay, though storage answers at once', async () => {
    const channelId = 'd'.repeat(24);
    const log = Array.from({ length: 1000 }, (_, i): StoredEvent => ({
      channelId,
      seq: i + 1,
      receivedAt: 0,
      contentType: 'application/json',
      headers: {},
      query: {},
      body: Buffer.from('{"a":1}'),
    }));
    let reads = 0;
    const store = {
      bounds: async () => ({ lastSeq: log.length, oldestSeq: 1, ackedSeq: 0, storedBytes: 0 }),
      listEvents: async (_: string, after: number, limit: number, maxBytes = Infinity) => {
        reads++;
        return takeWithin(
          log.filter((e) => e.seq > after),
          { limit, maxBytes },
        );
      },
    } as unknown as RelayStore;
    const res = Object.assign(new EventEmitter(), { writableLength: 0, locals: {}, write: () => true, end: () => {} });
    const connection = new StreamConnection(res as unknown as Response, channelId, {
      store,
      hub: new StreamHub(),
      metrics: createMetrics(
        () => undefined,
        () => undefined,
      ),
      logger: pino({ level: 'silent' }),
      heartbeatMs: 60_000,
      bufferBytes: 256 * 1024,
      drainTimeoutMs: 1000,
      maxPerChannel: 4,
    });
    let readsAtTurn = -1;
    setImmediate(() => (readsAtTurn = reads));
    await connection.start(0);
    while (reads < 11) await new Promise((r) => setImmediate(r));
    // Ten pages of 100 and the empty read after them; another task ran before the replay had finished.
    expect(readsAtTurn).toBeGreaterThan(0);
    expect(readsAtTurn).toBeLessThan(11);
    connection.end();
  });
});
