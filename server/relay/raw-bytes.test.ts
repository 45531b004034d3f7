import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { pullResponseSchema } from '../../common/relay';
import { calSignature, signatureMatches } from './crypto';
import {
  createChannel,
  postWebhook,
  setSecret,
  startRelay,
  startSmee,
  startTarget,
  tempDir,
  testConfig,
} from '../../tests/support/relay/relay-test-kit';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SECRET = 'webhook-secret-0123456789';
/** Bodies whose JSON round trip differs from the raw bytes, plus the V8 control that survives it. */
const BODIES: Array<[string, string, boolean]> = [
  ['V8 compact (Cal.com)', '{"triggerEvent":"PING","payload":{"title":"Café – test"}}', false],
  ['pretty-printed', '{\n  "triggerEvent": "PING",\n  "payload": { "title": "x" }\n}', true],
  ['escaped slash', '{"triggerEvent":"PING","payload":{"url":"https:\\/\\/cal.com\\/x"}}', true],
  ['\\u00e9 escape', '{"triggerEvent":"PING","payload":{"name":"Ren\\u00e9e"}}', true],
  ['integer above 2^53', '{"triggerEvent":"PING","payload":{"bookingId":9007199254740993}}', true],
  // Accepted (the UTF-8 decoder drops a byte order mark before parsing) but not JSON text as stored.
  ['byte order mark', '\uFEFF{"triggerEvent":"PING","payload":{"title":"x"}}', true],
];

/** A relay with one channel whose secret is set, and the canonical-JSON marks of the events it stores. */
async function relayWithChannel() {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { url, relay } = await startRelay(testConfig(dir));
  cleanups.push(() => relay.stop());
  const ch = await createChannel(url);
  await setSecret(url, ch, SECRET);
  const marks: Array<boolean | undefined> = [];
  relay.onEventStored((id, e) => id === ch.id && marks.push(e.canonicalJson));
  return { url, ch, marks };
}

describe('raw bytes survive end to end through the pull endpoint', () => {
  it('flags re-encoded bodies on the stream, and the pulled bytes verify against the original signature', async () => {
    const { url, ch, marks } = await relayWithChannel();
    const t = await startTarget();
    cleanups.push(() => t.close());
    const s = await startSmee(ch.streamUrl, t.url, ch.token);
    cleanups.push(() => s.client.stop());

    for (const [, body] of BODIES) expect((await postWebhook(ch.ingestUrl, body, { secret: SECRET })).status).toBe(200);
    await t.waitFor(BODIES.length);
    // Streamed here: ingest marked exactly the bodies that survive the round trip, so the stream splices those as is.
    expect(marks).toEqual(BODIES.map(([, , reencoded]) => !reencoded));

    const pulled = pullResponseSchema.parse(
      await (
        await fetch(`${url}/api/channels/${ch.id}/events`, { headers: { authorization: `Bearer ${ch.token}` } })
      ).json(),
    );
    for (const [i, [name, body, reencoded]] of BODIES.entries()) {
      const seq = i + 1;
      const forwarded = t.received.find((r) => r.headers['x-relay-seq'] === String(seq))!;
      // What stock smee-client delivers: verifiable only when the round trip holds, and flagged otherwise.
      expect([name, forwarded.headers['x-relay-body-reencoded'] === 'true']).toEqual([name, reencoded]);
      expect([
        name,
        signatureMatches(SECRET, forwarded.raw, forwarded.headers['x-cal-signature-256'] as string),
      ]).toEqual([name, !reencoded]);
      // The pull endpoint always has the exact bytes, which verify against the signature Cal.com sent.
      const event = pulled.events.find((e) => e.seq === seq)!;
      const raw = Buffer.from(event.bodyBase64, 'base64');
      expect([name, raw.equals(Buffer.from(body, 'utf8'))]).toEqual([name, true]);
      expect(event.headers['x-cal-signature-256']).toBe(calSignature(SECRET, Buffer.from(body, 'utf8')));
      expect([name, signatureMatches(SECRET, raw, event.headers['x-cal-signature-256'])]).toEqual([name, true]);
    }
  });

  it('does not spend the canonical check on a channel nobody streams from this process', async () => {
    const { ch, marks } = await relayWithChannel();
    expect((await postWebhook(ch.ingestUrl, BODIES[0]![1], { secret: SECRET })).status).toBe(200);
    expect(marks).toEqual([false]);
  });
});
