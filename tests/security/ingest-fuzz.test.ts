import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CreateChannelResponse } from '../../common/relay';
import { signCalBody } from '../../main/core/sync/signature';
import type { TestRelay } from '../support/relay/relay-test-kit';
import { createChannel, setSecret, startRelay, testConfig } from '../support/relay/relay-test-kit';
import { rawRequest, rawSocket } from './raw-http';

/**
 * Issue 11, bad input: property-based fuzzing of POST /hooks/:channel. Whatever arrives, the answer is a 2xx or a
 * 4xx, the relay stays up, and an event is stored exactly when it was answered 2xx.
 */

const SECRET = 'cal-webhook-secret-for-fuzzing-001';
const BODY_LIMIT = 4096;
let dir: string;
let relay: TestRelay;
let channel: CreateChannelResponse;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ingest-fuzz-'));
  relay = await startRelay(
    testConfig(dir, {
      RELAY_LOG_LEVEL: 'silent',
      RELAY_BODY_LIMIT: String(BODY_LIMIT),
      RELAY_RATE_LIMIT_IP_PER_MIN: '1000000',
      RELAY_RATE_LIMIT_CHANNEL_PER_MIN: '1000000',
    }),
  );
  channel = await createChannel(relay.url);
  await setSecret(relay.url, channel, SECRET);
});

afterAll(async () => {
  await relay.relay.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function lastSeq(): Promise<number> {
  const res = await fetch(`${relay.url}/api/channels/${channel.id}/events?after=0&limit=1`, {
    headers: { authorization: `Bearer ${channel.token}` },
  });
  return ((await res.json()) as { lastSeq: number }).lastSeq;
}

const jsonText = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v));
const bodyArb = fc.oneof(
  { arbitrary: jsonText.map((s) => Buffer.from(s, 'utf8')), weight: 5 },
  fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
  fc.string({ unit: 'grapheme', maxLength: 300 }).map((s) => Buffer.from(s, 'utf8')),
  fc.integer({ min: BODY_LIMIT - 8, max: BODY_LIMIT * 3 }).map((n) => Buffer.from(`"${'x'.repeat(n)}"`)),
  fc.constant(Buffer.from('{"triggerEvent":"PING","createdAt":"2026-01-01T00:00:00Z","payload":{}}')),
  fc.constant(Buffer.alloc(0)),
  fc.constant(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), // BOM + {}
  fc.constant(Buffer.from([0x22, 0xff, 0x22])), // invalid UTF-8 inside a JSON string
);
// Weighted towards what passes the early checks, so the later ones (signature, JSON, storage) get exercised too.
const contentTypeArb = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/cloudevents+json',
    ),
    weight: 6,
  },
  fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''),
  fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
);
const signatureArb = fc.oneof(
  { arbitrary: fc.constantFrom('valid', 'valid-upper', 'legacy'), weight: 3 },
  fc.constantFrom('wrong', 'missing', 'garbage', 'no-secret'),
);
const extraHeadersArb = fc.record(
  {
    'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'identity'),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', '::1, 10.0.0.1', 'garbage'),
    'x-cal-webhook-version': fc.string({ maxLength: 2000 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    'user-agent': fc.string({ maxLength: 3000 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
  },
  { requiredKeys: [] },
);

function signatureFor(kind: string, body: Buffer): Record<string, string> {
  const good = signCalBody(SECRET, body);
  switch (kind) {
    case 'valid':
      return { 'x-cal-signature-256': good };
    case 'valid-upper':
      return { 'x-cal-signature-256': good.toUpperCase() };
    case 'wrong':
      return { 'x-cal-signature-256': signCalBody('another-secret-0000000', body) };
    case 'garbage':
      return { 'x-cal-signature-256': 'sha256=' + 'z'.repeat(64) };
    case 'legacy':
      return { 'x-cal-signature': good };
    case 'no-secret':
      return { 'x-cal-signature-256': 'no-secret-provided' };
    default:
      return {};
  }
}

const ALLOWED = new Set([200, 400, 401, 404, 408, 411, 413, 415, 429]);

it('any body, content type, signature and headers: 2xx or 4xx, and stored ⇔ 2xx (200 runs)', async () => {
  let stored = await lastSeq();
  const seen = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(bodyArb, contentTypeArb, signatureArb, extraHeadersArb, async (body, contentType, sig, extra) => {
      const headers: Record<string, string> = {
        ...extra,
        ...signatureFor(sig, body),
        'content-length': String(body.length),
      };
      if (contentType !== '') headers['content-type'] = contentType;
      const res = await rawRequest(channel.ingestUrl, 'POST', headers, body);
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      expect(ALLOWED.has(res.status), `status ${res.status}: ${res.body}`).toBe(true);
      const now = await lastSeq();
      if (res.status === 200) {
        expect(now).toBe(stored + 1);
        expect(JSON.parse(res.body)).toMatchObject({ received: true, seq: now });
      } else {
        expect(now, `a ${res.status} stored something`).toBe(stored);
        expect(JSON.parse(res.body)).toMatchObject({
          error: { code: expect.any(String), message: expect.any(String) },
        });
      }
      stored = now;
    }),
    { numRuns: 200, interruptAfterTimeLimit: 30_000 },
  );
  expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  console.info(`[ingest-fuzz] statuses ${JSON.stringify(Object.fromEntries(seen))}`);
}, 60_000);

it('random channel ids and paths: 404, nothing stored (100 runs)', async () => {
  const before = await lastSeq();
  await fc.assert(
    fc.asyncProperty(fc.string({ minLength: 1, maxLength: 80 }), async (id) => {
      const body = Buffer.from('{}');
      const res = await rawRequest(
        `${relay.url}/hooks/${encodeURIComponent(id)}`,
        'POST',
        { 'content-type': 'application/json', 'x-cal-signature-256': signCalBody(SECRET, body) },
        body,
      );
      expect([400, 404, 429]).toContain(res.status);
    }),
    { numRuns: 100, interruptAfterTimeLimit: 15_000 },
  );
  expect(await lastSeq()).toBe(before);
});

it('garbage on the socket: an HTTP 4xx or a closed connection, and the relay keeps serving (50 runs)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((a) => Buffer.from(a)),
        fc
          .string({ maxLength: 200 })
          .map((s) =>
            Buffer.from(
              `POST /hooks/${channel.id} HTTP/1.1\r\nHost: x\r\nContent-Length: ${s.length}\r\nTransfer-Encoding: chunked\r\n\r\n${s}`,
            ),
          ),
        fc.string({ maxLength: 200 }).map((s) => Buffer.from(`GET /${s} HTTP/1.1\r\n\r\n`)),
      ),
      async (bytes) => {
        const answer = await rawSocket(relay.url, bytes, 2_000);
        const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
        if (status) expect(Number(status)).toBeLessThan(500);
      },
    ),
    { numRuns: 50, interruptAfterTimeLimit: 20_000 },
  );
  expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
}, 40_000);
