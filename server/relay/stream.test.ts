import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { calSignature } from './crypto';
import { openRelayStorage } from './store/open-relay-storage';
import type { RelayOptions } from './relay';
import {
  createReadyChannel,
  openStreamsReach,
  TEST_SECRET,
  postWebhook,
  readSse,
  setSecret,
  startRelay,
  startSmee,
  startTarget,
  tempDir,
  testConfig,
  type TestRelay,
} from '../../tests/support/relay/relay-test-kit';

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function relay(
  env: Record<string, string> = {},
  dir = tempDir(),
  now?: () => number,
): Promise<TestRelay & { dir: string }> {
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = await startRelay(testConfig(dir, env), now ? { now } : {});
  cleanups.push(() => r.relay.stop());
  return { ...r, dir };
}
async function target() {
  const t = await startTarget();
  cleanups.push(() => t.close());
  return t;
}
async function smee(source: string, targetUrl: string, token: string) {
  const s = await startSmee(source, targetUrl, token);
  cleanups.push(() => s.client.stop());
  return s;
}
const SECRET = 'webhook-secret-0123456789';
/** Cal.com's body is V8 JSON.stringify output, so smee-client's re-serialisation reproduces it. */
const calBody = (uid: string) =>
  JSON.stringify({
    triggerEvent: 'BOOKING_CREATED',
    createdAt: '2026-11-26T08:00:00.000Z',
    payload: {
      uid,
      title: 'Consultation – Zoë',
      startTime: '2026-12-01T09:00:00Z',
      attendees: [{ name: 'Zoë', email: 'z@example.com', timeZone: 'Europe/Paris' }],
    },
  });
const seqs = (t: Awaited<ReturnType<typeof target>>) => t.received.map((r) => Number(r.headers['x-relay-seq']));

describe('GET /hooks/:channel with the real smee-client 5', () => {
  it('forwards each event with the signature intact, relay ids as headers and the query', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    await setSecret(url, ch, SECRET);
    const t = await target();
    await smee(ch.streamUrl, t.url, ch.token);
    const body = calBody('uid-1');
    expect(
      (
        await postWebhook(`${ch.ingestUrl}?source=cal`, body, {
          secret: SECRET,
          headers: { 'x-cal-webhook-version': '2021-10-20' },
        })
      ).status,
    ).toBe(200);
    await t.waitFor(1);
    const got = t.received[0]!;
    expect(got.raw.toString('utf8')).toBe(body);
    expect(got.headers['x-cal-signature-256']).toBe(calSignature(SECRET, got.raw));
    expect(got.headers['x-cal-webhook-version']).toBe('2021-10-20');
    expect(got.headers['x-relay-seq']).toBe('1');
    expect(got.headers['x-relay-channel']).toBe(ch.id);
    expect(got.headers['x-relay-body-reencoded']).toBeUndefined();
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.url).toBe('/hook?source=cal');
  });

  it('gives every subscriber of a channel every event', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    const t1 = await target();
    const t2 = await target();
    await smee(ch.streamUrl, t1.url, ch.token);
    await smee(ch.streamUrl, t2.url, ch.token);
    for (let i = 1; i <= 3; i++) await postWebhook(ch.ingestUrl, calBody(`u${i}`), { secret: TEST_SECRET });
    await t1.waitFor(3);
    await t2.waitFor(3);
    expect(seqs(t1).sort()).toEqual([1, 2, 3]);
    expect(seqs(t2).sort()).toEqual([1, 2, 3]);
  });

  it('resumes by Last-Event-ID across a relay restart, without duplicates or gaps', async () => {
    const first = await relay();
    const port = Number(new URL(first.url).port);
    const ch = await createReadyChannel(first.url);
    const t = await target();
    const s = await smee(ch.streamUrl, t.url, ch.token);
    await postWebhook(ch.ingestUrl, calBody('a'), { secret: TEST_SECRET });
    await postWebhook(ch.ingestUrl, calBody('b'), { secret: TEST_SECRET });
    await t.waitFor(2);
    await first.relay.stop();
    const second = await startRelay(testConfig(first.dir, { RELAY_PORT: String(port) }));
    cleanups.push(() => second.relay.stop());
    // Posted before the client is back: it must arrive through the Last-Event-ID replay.
    await postWebhook(ch.ingestUrl, calBody('c'), { secret: TEST_SECRET });
    await t.waitFor(3, 12_000);
    await postWebhook(ch.ingestUrl, calBody('d'), { secret: TEST_SECRET });
    await t.waitFor(4);
    expect(seqs(t).sort()).toEqual([1, 2, 3, 4]);
    expect(s.streamRequests[0]?.lastEventId).toBeNull();
    expect(s.streamRequests.at(-1)?.lastEventId).toBe('2');
  });

  it('resumes a fresh client from ?since= after a restart, and from the ack cursor without either', async () => {
    const first = await relay();
    const port = Number(new URL(first.url).port);
    const ch = await createReadyChannel(first.url);
    for (const u of ['a', 'b', 'c']) await postWebhook(ch.ingestUrl, calBody(u), { secret: TEST_SECRET });
    await first.relay.stop();
    const second = await startRelay(testConfig(first.dir, { RELAY_PORT: String(port) }));
    cleanups.push(() => second.relay.stop());
    const t = await target();
    await smee(`${ch.streamUrl}?since=2`, t.url, ch.token);
    await t.waitFor(1);
    await postWebhook(ch.ingestUrl, calBody('d'), { secret: TEST_SECRET });
    await t.waitFor(2);
    expect(seqs(t)).toEqual([3, 4]);

    const ack = await fetch(`${second.url}/api/channels/${ch.id}/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ch.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ upTo: 3 }),
    });
    expect(ack.status).toBe(200);
    const t2 = await target();
    await smee(ch.streamUrl, t2.url, ch.token);
    await t2.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(seqs(t2)).toEqual([4]);
  });

  it('sends event: reset when the cursor is older than retention, then continues from the oldest retained', async () => {
    let clock = Date.now();
    const { url, relay: r } = await relay({}, tempDir(), () => clock);
    const ch = await createReadyChannel(url);
    for (const u of ['a', 'b', 'c']) await postWebhook(ch.ingestUrl, calBody(u), { secret: TEST_SECRET });
    clock += 31 * 86_400_000;
    expect(await r.prune()).toBe(3);
    await postWebhook(ch.ingestUrl, calBody('d'), { secret: TEST_SECRET });
    const sse = await readSse(`${ch.streamUrl}?since=1`, { authorization: `Bearer ${ch.token}` }, 'id: 4');
    const reset = sse.text.indexOf('event: reset\ndata: {"requestedAfter":1,"oldestSeq":4,"lastSeq":4}\n\n');
    expect(reset).toBeGreaterThan(0);
    expect(sse.text.indexOf('id: 4\n')).toBeGreaterThan(reset);
    const t = await target();
    await smee(`${ch.streamUrl}?since=1`, t.url, ch.token);
    await t.waitFor(1);
    expect(seqs(t)).toEqual([4]);
  });
});

describe('GET /hooks/:channel wire format and access', () => {
  it('opens with retry (1–5 s), ready, and : heartbeats; no compression or buffering', async () => {
    const { url } = await relay({ RELAY_HEARTBEAT_MS: '100' });
    const ch = await createReadyChannel(url);
    const sse = await readSse(
      ch.streamUrl,
      { authorization: `Bearer ${ch.token}`, 'accept-encoding': 'gzip, br' },
      /\n:\n\n/,
    );
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(sse.headers.get('x-accel-buffering')).toBe('no');
    expect(sse.headers.get('cache-control')).toMatch(/no-cache/);
    expect(sse.headers.get('content-encoding')).toBeNull();
    const m = /^retry: (\d+)\n\nevent: ready\ndata: \{\}\n\n/.exec(sse.text);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(1000);
    expect(Number(m![1])).toBeLessThanOrEqual(5000);
  });

  it('answers 401 without or with a wrong token (same for unknown channels), 406 without Accept, 400 for a bad since', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    const other = await createReadyChannel(url);
    const sse = (u: string, h: Record<string, string>) => fetch(u, { headers: { accept: 'text/event-stream', ...h } });
    const noToken = await sse(ch.streamUrl, {});
    const wrong = await sse(ch.streamUrl, { authorization: `Bearer ${other.token}` });
    const unknown = await sse(`${url}/hooks/${'z'.repeat(24)}`, { authorization: `Bearer ${ch.token}` });
    for (const r of [noToken, wrong, unknown]) expect(r.status).toBe(401);
    expect(await wrong.text()).toBe(await unknown.text());
    expect((await fetch(ch.streamUrl, { headers: { authorization: `Bearer ${ch.token}` } })).status).toBe(406);
    expect((await sse(`${ch.streamUrl}?since=abc`, { authorization: `Bearer ${ch.token}` })).status).toBe(400);
  });

  it('ends streams on shutdown (never a non-200) and when over the stream cap', async () => {
    const { url, relay: r } = await relay({ RELAY_MAX_STREAMS: '1' });
    const ch = await createReadyChannel(url);
    const auth = { authorization: `Bearer ${ch.token}` };
    const open = readSse(ch.streamUrl, auth, 'never-appears', 8000);
    await openStreamsReach(url, 1);
    const over = await readSse(ch.streamUrl, auth, 'never-appears', 3000);
    expect(over.status).toBe(200);
    expect(over.text).toMatch(/^retry: \d+\n\n$/);
    const t0 = Date.now();
    await r.stop();
    const first = await open;
    expect(first.status).toBe(200);
    expect(first.text).toContain('event: ready');
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('replays from the oldest retained event after a reset when the cursor is beyond the log', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    await postWebhook(ch.ingestUrl, '{"a":1}', { secret: TEST_SECRET });
    const sse = await readSse(ch.streamUrl, { authorization: `Bearer ${ch.token}`, 'last-event-id': '99' }, 'id: 1');
    expect(sse.text).toContain('event: reset\ndata: {"requestedAfter":99,"oldestSeq":1,"lastSeq":1}\n\nid: 1\n');
  });

  it('starts from the earlier of Last-Event-ID and ?since= when both are sent', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    for (let i = 1; i <= 4; i++) await postWebhook(ch.ingestUrl, `{"i":${i}}`, { secret: TEST_SECRET });
    const a = await readSse(
      `${ch.streamUrl}?since=1`,
      { authorization: `Bearer ${ch.token}`, 'last-event-id': '3' },
      'id: 4',
    );
    expect(a.text).toMatch(/event: ready\ndata: \{\}\n\nid: 2\n/);
    const b = await readSse(
      `${ch.streamUrl}?since=3`,
      { authorization: `Bearer ${ch.token}`, 'last-event-id': '2' },
      'id: 4',
    );
    expect(b.text).toMatch(/event: ready\ndata: \{\}\n\nid: 3\n/);
  });

  it('drops a consumer that does not drain instead of buffering without bound, reading one page at a time', async () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    // Every stream page read from storage, by the bytes of its bodies: a page once took 100 events whatever their
    // size. Only the stream's reads (bounded by its socket buffer): the mail planner also reads events back, in runs
    // its own 8 MiB batch bound already sized (a run of two of these events, 7 MB, failed this test once in CI).
    const reads: number[] = [];
    const env = {
      RELAY_BODY_LIMIT: '4mb',
      RELAY_STREAM_DRAIN_TIMEOUT_MS: '300',
      RELAY_RATE_LIMIT_CHANNEL_PER_MIN: '1000',
    };
    const config = testConfig(dir, env);
    const streamPageBytes = config.stream.bufferBytes;
    const openStorage: RelayOptions['openStorage'] = async (config, hooks) => {
      const real = await openRelayStorage(config, hooks);
      const listEvents: typeof real.events.listEvents = async (...args) => {
        const events = await real.events.listEvents(...args);
        if (args[3] === streamPageBytes) reads.push(events.reduce((n, e) => n + e.body.byteLength, 0));
        return events;
      };
      return { ...real, events: { ...real.events, listEvents } };
    };
    const r = await startRelay(config, { openStorage });
    cleanups.push(() => r.relay.stop());
    const { url, logs } = r;
    const ch = await createReadyChannel(url);
    const big = JSON.stringify({ pad: 'x'.repeat(3_500_000) });
    for (let i = 0; i < 6; i++)
      expect((await postWebhook(ch.ingestUrl, big, { secret: TEST_SECRET })).status).toBe(200);
    const { port } = new URL(url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.pause(); // never read: the relay's writes back up
    socket.write(
      `GET /hooks/${ch.id} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${ch.token}\r\n\r\n`,
    );
    const deadline = Date.now() + 8000;
    while (!logs().includes('ending stream of a consumer that does not drain') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(logs()).toContain('ending stream of a consumer that does not drain');
    await openStreamsReach(url, 0);
    socket.destroy();
    // Each read stopped at the socket buffer's worth (256 KiB): one 3.5 MB event, never the 21 MB of all six.
    const stream = reads.filter((bytes) => bytes > 0);
    expect(stream.length).toBeGreaterThan(0);
    for (const bytes of stream) expect(bytes).toBe(big.length);
  });

  it('answers a pull with a page bounded by bytes, and the rest on the next pull', async () => {
    const { url } = await relay({ RELAY_BODY_LIMIT: '1mb' });
    const ch = await createReadyChannel(url);
    const body = JSON.stringify({ pad: 'x'.repeat(600_000) });
    for (let i = 0; i < 4; i++)
      expect((await postWebhook(ch.ingestUrl, body, { secret: TEST_SECRET })).status).toBe(200);
    const pull = async (after: number) =>
      (await (
        await fetch(`${url}/api/channels/${ch.id}/events?after=${after}&limit=1000`, {
          headers: { authorization: `Bearer ${ch.token}` },
        })
      ).json()) as { events: Array<{ seq: number }>; lastSeq: number };
    const first = await pull(0);
    // 1 MiB of bodies per pull: the second event reaches it, so the page ends there, and lastSeq says there is more.
    expect(first.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(first.lastSeq).toBe(4);
    expect((await pull(2)).events.map((e) => e.seq)).toEqual([3, 4]);
  });

  it('gives no stream slot to pipelined requests, so closing their connection leaves no stream open', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const get = `GET /hooks/${ch.id} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${ch.token}\r\n\r\n`;
    socket.write(get.repeat(20));
    await openStreamsReach(url, 1);
    // The first request's stream is open; the 19 behind it wait for a socket. Give them time to be handled.
    await new Promise((r) => setTimeout(r, 300));
    await openStreamsReach(url, 1);
    socket.destroy();
    await openStreamsReach(url, 0);
  });

  it('ends the streams of a deleted channel', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    const auth = { authorization: `Bearer ${ch.token}` };
    const open = readSse(ch.streamUrl, auth, 'never-appears', 8000);
    await openStreamsReach(url, 1);
    const t0 = Date.now();
    await fetch(`${url}/api/channels/${ch.id}`, { method: 'DELETE', headers: auth });
    const ended = await open;
    expect(ended.status).toBe(200);
    expect(ended.text).toContain('event: ready');
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((await fetch(ch.streamUrl, { headers: { ...auth, accept: 'text/event-stream' } })).status).toBe(401);
  });

  describe("this process's own commits", () => {
    /** A relay whose event store counts listEvents calls: each is a read back from storage (a round trip on PostgreSQL). */
    async function countingRelay() {
      const dir = tempDir();
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      const reads = { count: 0 };
      const openStorage: RelayOptions['openStorage'] = async (config, hooks) => {
        const real = await openRelayStorage(config, hooks);
        const listEvents: typeof real.events.listEvents = (...args) => {
          reads.count++;
          return real.events.listEvents(...args);
        };
        return { ...real, events: { ...real.events, listEvents } };
      };
      const r = await startRelay(testConfig(dir, { RELAY_RATE_LIMIT_CHANNEL_PER_MIN: '100000' }), { openStorage });
      cleanups.push(() => r.relay.stop());
      return { ...r, reads };
    }
    const ids = (text: string) => [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

    it('reach caught-up streams from memory, not by reading each commit back', async () => {
      const { url, reads } = await countingRelay();
      const ch = await createReadyChannel(url);
      const auth = { authorization: `Bearer ${ch.token}` };
      const streams = [1, 2].map(() => readSse(ch.streamUrl, auth, /^id: 40$/m, 15_000));
      await openStreamsReach(url, 2);
      const replays = reads.count; // each stream's start reads from its cursor once
      for (let i = 1; i <= 40; i++) await postWebhook(ch.ingestUrl, calBody(`m${i}`), { secret: TEST_SECRET });
      for (const s of await Promise.all(streams)) expect(ids(s.text)).toEqual(range(40));
      expect(replays).toBe(2);
      expect(reads.count).toBe(replays); // 40 commits, no read back
      // A stream that joins later is behind: it replays from storage, and identical bytes come out.
      const late = await readSse(`${ch.streamUrl}?since=0`, auth, /^id: 40$/m);
      expect(ids(late.text)).toEqual(range(40));
      expect(reads.count).toBeGreaterThan(replays);
      // Heartbeats (':' comments, every 200 ms here) fall between events wherever posting was slow: not compared.
      const events = (text: string) => text.slice(text.indexOf('id: 1\n')).replace(/^:.*\n\n/gm, '');
      expect(events(late.text)).toBe(events((await streams[0])!.text));
    });

    it('keep every stream in order without gaps or duplicates when commits race its reads', async () => {
      const { url } = await countingRelay();
      const ch = await createReadyChannel(url);
      const auth = { authorization: `Bearer ${ch.token}` };
      // Posting starts while the streams are still starting (reading their replay), so memory and storage interleave.
      const streams = [1, 2, 3].map(() => readSse(ch.streamUrl, auth, /^id: 300$/m, 30_000));
      let next = 1;
      const poster = async () => {
        while (next <= 300) await postWebhook(ch.ingestUrl, calBody(`r${next++}`), { secret: TEST_SECRET });
      };
      await Promise.all(Array.from({ length: 16 }, poster));
      for (const s of await Promise.all(streams)) expect(ids(s.text)).toEqual(range(300));
    });
  });
});
