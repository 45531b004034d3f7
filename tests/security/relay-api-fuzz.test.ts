import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CreateChannelResponse } from '../../common/relay';
import type { TestRelay } from '../support/relay/relay-test-kit';
import { createChannel, postWebhook, setSecret, startRelay, testConfig } from '../support/relay/relay-test-kit';
import { rawRequest } from './raw-http';

/**
 * Issue 11, bad input: the relay's channel API with the right token but arbitrary bodies, content types and queries.
 * Always a 2xx/4xx; a rejected call changes nothing (the secret still verifies, the ack cursor never moves back).
 */

const SECRET = 'cal-webhook-secret-for-api-fuzzing';
let dir: string;
let relay: TestRelay;
let ch: CreateChannelResponse;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-api-fuzz-'));
  relay = await startRelay(
    testConfig(dir, {
      RELAY_LOG_LEVEL: 'silent',
      RELAY_RATE_LIMIT_API_PER_MIN: '1000000',
      RELAY_RATE_LIMIT_IP_PER_MIN: '1000000',
      RELAY_RATE_LIMIT_CHANNEL_PER_MIN: '1000000',
    }),
  );
  ch = await createChannel(relay.url);
  await setSecret(relay.url, ch, SECRET);
  for (let i = 0; i < 5; i++)
    expect(
      (await postWebhook(ch.ingestUrl, `{"triggerEvent":"PING","payload":{"n":${i}}}`, { secret: SECRET })).status,
    ).toBe(200);
});

afterAll(async () => {
  await relay.relay.stop();
  rmSync(dir, { recursive: true, force: true });
});

const bodyArb = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record({ secret: fc.oneof(fc.string({ maxLength: 600 }), fc.integer(), fc.constant(null)) })
    .map((v) => JSON.stringify(v)),
  fc
    .record({ upTo: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.double(), fc.string(), fc.constant(1e300)) })
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constant('{"secret":"' + 'x'.repeat(20_000) + '"}'),
  fc.constant('{"__proto__":{"secret":"polluted-secret-0000"}}'),
);
const contentTypeArb = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
);
const queryArb = fc
  .oneof(
    fc.record(
      {
        after: fc.oneof(fc.integer({ min: -3, max: 10 }), fc.string({ maxLength: 10 }), fc.constant('1e3')),
        limit: fc.oneof(fc.integer({ min: -1, max: 2000 }), fc.string({ maxLength: 5 })),
      },
      { requiredKeys: [] },
    ),
    fc.constant({ after: ['1', '2'] }),
  )
  .map((q) =>
    new URLSearchParams(
      Object.entries(q).flatMap(([k, v]): [string, string][] =>
        Array.isArray(v) ? v.map((x): [string, string] => [k, String(x)]) : [[k, String(v)]],
      ),
    ).toString(),
  );

async function ackedSeqNow(): Promise<number> {
  const res = await rawRequest(
    `${relay.url}/api/channels/${ch.id}/ack`,
    'POST',
    { authorization: `Bearer ${ch.token}`, 'content-type': 'application/json' },
    Buffer.from('{"upTo":0}'),
  );
  return (JSON.parse(res.body) as { ackedSeq: number }).ackedSeq;
}

it('secret, ack and pull with arbitrary input: never 5xx, and a rejected call changes nothing (200 runs)', async () => {
  let secret = SECRET;
  let acked = await ackedSeqNow();
  const statuses = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('secret', 'ack', 'pull', 'create'),
      bodyArb,
      contentTypeArb,
      queryArb,
      async (op, body, contentType, query) => {
        const headers: Record<string, string> = { authorization: `Bearer ${ch.token}` };
        if (contentType) headers['content-type'] = contentType;
        const res =
          op === 'secret'
            ? await rawRequest(`${relay.url}/api/channels/${ch.id}/secret`, 'PUT', headers, Buffer.from(body))
            : op === 'ack'
              ? await rawRequest(`${relay.url}/api/channels/${ch.id}/ack`, 'POST', headers, Buffer.from(body))
              : op === 'pull'
                ? await rawRequest(`${relay.url}/api/channels/${ch.id}/events?${query}`, 'GET', headers)
                : await rawRequest(`${relay.url}/api/channels`, 'POST', headers, Buffer.from(body));
        statuses.set(`${op} ${res.status}`, (statuses.get(`${op} ${res.status}`) ?? 0) + 1);
        expect(res.status, `${op}: ${res.body}`).toBeGreaterThanOrEqual(200);
        expect(res.status, `${op}: ${res.body}`).toBeLessThan(500);
        if (res.status >= 400)
          expect(JSON.parse(res.body)).toMatchObject({
            error: { code: expect.any(String), message: expect.any(String) },
          });
        if (op === 'secret' && res.status === 204) secret = (JSON.parse(body) as { secret: string }).secret;
        if (op === 'ack' && res.status === 200) {
          const now = (JSON.parse(res.body) as { ackedSeq: number }).ackedSeq;
          expect(now).toBeGreaterThanOrEqual(acked);
          acked = now;
        }
        if (op === 'pull' && res.status === 200) expect(JSON.parse(res.body)).toMatchObject({ lastSeq: 5 });
      },
    ),
    { numRuns: 200 },
  );
  // The secret is exactly the last one accepted: a webhook signed with it verifies, one signed with the original doesn't (unless unchanged).
  expect((await postWebhook(ch.ingestUrl, '{"triggerEvent":"PING","payload":{}}', { secret })).status).toBe(200);
  expect(await ackedSeqNow()).toBe(acked);
  expect(({} as Record<string, unknown>).secret).toBeUndefined();
  console.info(`[relay-api-fuzz] ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
}, 60_000);
