import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CALCOM_SIGNATURE_HEADER } from '../../../common/calcom';
import { RELAY_CHANNEL_HEADER, RELAY_REENCODED_HEADER, RELAY_SEQ_HEADER } from '../../../common/relay';
import type { IntakeOutcome } from './event-intake';
import type { Receiver } from './receiver';
import { startReceiver } from './receiver';

/** The loopback receiver smee-client forwards to, over real sockets: statuses, limits, validation, lifecycle. */

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const ok = { [RELAY_SEQ_HEADER]: '1', [RELAY_CHANNEL_HEADER]: 'ch1' };
let receiver: Receiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

interface Sent {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}
/** Sends one request to the receiver; resolves with the status and the parsed JSON answer. */
function send(url: string, sent: Sent = {}): Promise<{ status: number; json: unknown; type: string | undefined }> {
  const target = new URL(sent.path ?? '/', url);
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', ...sent.headers };
    const req = request(target, { method: sent.method ?? 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const type = res.headers['content-type'];
        const json: unknown = type?.startsWith('application/json') ? JSON.parse(text) : text;
        resolve({ status: res.statusCode ?? 0, json, type });
      });
    });
    req.on('error', reject);
    req.end(sent.body);
  });
}

async function start(accept: (e: unknown) => Promise<IntakeOutcome> = async () => 'applied', bodyLimitBytes?: number) {
  const spy = vi.fn(accept);
  const limit = bodyLimitBytes ? { bodyLimitBytes } : {};
  receiver = await startReceiver({ channelId: 'ch1', accept: spy, logger: quiet, ...limit });
  return { url: receiver.url, accept: spy };
}

describe('startReceiver', () => {
  it('listens on 127.0.0.1; hands the raw bytes, sequence, signature and re-encoded flag to the intake', async () => {
    const { url, accept } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const headers: Record<string, string> = { ...ok, [RELAY_SEQ_HEADER]: '42', [CALCOM_SIGNATURE_HEADER]: 'abc' };
    headers[RELAY_REENCODED_HEADER] = 'true';
    const res = await send(url, { headers, body: '{"a": 1}' });
    expect(res).toEqual({ status: 200, json: { outcome: 'applied' }, type: 'application/json; charset=utf-8' });
    expect(accept).toHaveBeenCalledWith({ seq: 42, reencoded: true, signature: 'abc', body: Buffer.from('{"a": 1}') });
  });

  it('takes any content type, and an empty body as empty bytes', async () => {
    const { url, accept } = await start();
    expect((await send(url, { headers: { ...ok, 'content-type': 'text/plain' }, body: 'x' })).status).toBe(200);
    expect((await send(url, { headers: ok })).status).toBe(200);
    expect(accept.mock.calls.map(([e]) => (e as { body: Buffer }).body.toString())).toEqual(['x', '']);
  });

  it('maps each intake outcome to its status', async () => {
    const outcomes: IntakeOutcome[] = ['applied', 'duplicate', 'quarantined', 'deferred', 'unknown-seq'];
    const queue = [...outcomes];
    const { url } = await start(async () => queue.shift()!);
    const statuses: number[] = [];
    for (const outcome of outcomes) {
      const res = await send(url, { headers: ok, body: '{}' });
      expect(res.json).toEqual({ outcome });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 503, 404]);
  });

  it('answers 500 when the intake throws, 400 for a bad sequence, 403 for another channel', async () => {
    const { url, accept } = await start(async () => {
      throw new Error('disk full');
    });
    const failed = await send(url, { headers: ok, body: '{}' });
    expect(failed).toMatchObject({ status: 500, json: { error: { code: 'internal' } } });
    const badSeq = await send(url, { headers: { ...ok, [RELAY_SEQ_HEADER]: '0' }, body: '{}' });
    const badSeqError = { code: 'bad_input', message: 'missing or bad relay sequence' };
    expect(badSeq).toMatchObject({ status: 400, json: { error: badSeqError } });
    const other = await send(url, { headers: { ...ok, [RELAY_CHANNEL_HEADER]: 'ch2' }, body: '{}' });
    expect(other).toMatchObject({ status: 403, json: { error: { code: 'bad_input', message: 'not this channel' } } });
    expect(accept).toHaveBeenCalledTimes(1);
  });

  it('refuses a foreign Host (DNS rebinding) with 403 and anything but POST / with 404', async () => {
    const { url, accept } = await start();
    const foreign = await send(url, { headers: { ...ok, host: 'evil.example:80' }, body: '{}' });
    expect(foreign).toMatchObject({ status: 403, json: { error: { code: 'forbidden', message: 'loopback only' } } });
    const get = await send(url, { method: 'GET', headers: ok });
    expect(get).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    expect((await send(url, { path: '/other', headers: ok, body: '{}' })).status).toBe(404);
    expect((await send(url, { path: '/?x=1', headers: ok, body: '{}' })).status).toBe(200);
    expect(accept).toHaveBeenCalledTimes(1);
  });

  it('answers 413 over the body limit, declared or streamed, and keeps serving', async () => {
    const { url, accept } = await start(undefined, 16);
    expect((await send(url, { headers: ok, body: 'x'.repeat(17) })).status).toBe(413);
    const chunked = await send(url, { headers: { ...ok, 'transfer-encoding': 'chunked' }, body: 'y'.repeat(64) });
    expect(chunked.status).toBe(413);
    expect((await send(url, { headers: ok, body: 'z'.repeat(16) })).status).toBe(200);
    expect(accept).toHaveBeenCalledTimes(1);
  });

  it('inflates gzip (the limit counts inflated bytes); refuses an unknown encoding with 415', async () => {
    const { url, accept } = await start(undefined, 1024);
    const body = gzipSync(Buffer.from('{"zipped":true}'));
    expect((await send(url, { headers: { ...ok, 'content-encoding': 'gzip' }, body })).status).toBe(200);
    expect(accept.mock.calls[0]?.[0]).toMatchObject({ body: Buffer.from('{"zipped":true}') });
    const bomb = gzipSync(Buffer.alloc(4096, 'a'));
    expect((await send(url, { headers: { ...ok, 'content-encoding': 'gzip' }, body: bomb })).status).toBe(413);
    expect((await send(url, { headers: { ...ok, 'content-encoding': 'zstd-x' }, body: '{}' })).status).toBe(415);
    expect((await send(url, { headers: { ...ok, 'content-encoding': 'gzip' }, body: 'not gzip' })).status).toBe(400);
  });

  it('close() ends it without settling `ended`', async () => {
    const { url } = await start();
    const r = receiver!;
    let endedWith: Error | undefined;
    void r.ended.then((e) => (endedWith = e));
    await r.close();
    receiver = undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(endedWith).toBeUndefined();
    await expect(send(url, { headers: ok, body: '{}' })).rejects.toThrow();
  });
});
