import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestRelay } from '../support/relay/relay-test-kit';
import {
  createChannel,
  createReadyChannel,
  postWebhook,
  setSecret,
  startRelay,
  TEST_SECRET,
  testConfig,
} from '../support/relay/relay-test-kit';
import { filePlaces, findSecrets } from './secret-scan';

/**
 * Issue 11, security: the relay must hold a channel's webhook secret (it verifies Cal.com's HMAC with it) and its
 * events, but once the channel is deleted neither may survive in its files — not in SQLite free pages, not in the WAL.
 */

let dir: string;
let relay: TestRelay;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-forgets-'));
  relay = await startRelay(testConfig(dir, { RELAY_LOG_LEVEL: 'silent' }));
});
afterAll(async () => {
  await relay.relay.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('a deleted channel leaves neither its webhook secret nor its event bodies in the running relay’s files', async () => {
  const secret = `whsec-${'q'.repeat(10)}-${Date.now()}`;
  const marker = `client-notes-${Date.now()}-private`;
  const keep = await createReadyChannel(relay.url); // another consultant's channel keeps the database busy meanwhile
  const ch = await createChannel(relay.url);
  await setSecret(relay.url, ch, secret);
  for (let i = 0; i < 20; i++) {
    expect(
      (
        await postWebhook(
          ch.ingestUrl,
          JSON.stringify({ triggerEvent: 'BOOKING_CREATED', payload: { notes: `${marker} ${i}` } }),
          { secret },
        )
      ).status,
    ).toBe(200);
    expect(
      (await postWebhook(keep.ingestUrl, '{"triggerEvent":"PING","payload":{}}', { secret: TEST_SECRET })).status,
    ).toBe(200);
  }
  const secrets = [
    { name: 'webhook secret', value: secret },
    { name: 'event body', value: marker },
  ];
  expect(findSecrets(secrets, filePlaces(dir)).length).toBeGreaterThan(0); // the scan does see them while the channel lives

  expect(
    (
      await fetch(`${relay.url}/api/channels/${ch.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${ch.token}` },
      })
    ).status,
  ).toBe(204);
  expect(findSecrets(secrets, filePlaces(dir))).toEqual([]);
  expect(
    (await postWebhook(keep.ingestUrl, '{"triggerEvent":"PING","payload":{}}', { secret: TEST_SECRET })).status,
  ).toBe(200); // the others carry on
});
