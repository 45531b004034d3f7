import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CreateChannelResponse } from '../../common/relay';
import type { TestRelay } from '../support/relay/relay-test-kit';
import { createChannel, postWebhook, setSecret, startRelay, testConfig } from '../support/relay/relay-test-kit';
import { rawRequest } from './raw-http';
import type { RawResponse } from './raw-http';
import { withLastCharacterChanged } from '../support/tampered';

/**
 * Issue 11, security: every channel endpoint needs that channel's subscriber token. A missing token, a wrong one,
 * another channel's and an unknown channel all get the very same 401, so a probe cannot tell which it hit.
 */

const SECRET = 'cal-webhook-secret-for-auth-tests-1';
let dir: string;
let relay: TestRelay;
let mine: CreateChannelResponse;
let other: CreateChannelResponse;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'subscriber-auth-'));
  relay = await startRelay(testConfig(dir, { RELAY_LOG_LEVEL: 'silent' }));
  mine = await createChannel(relay.url);
  other = await createChannel(relay.url);
  await setSecret(relay.url, mine, SECRET);
  expect((await postWebhook(mine.ingestUrl, '{"triggerEvent":"PING","payload":{}}', { secret: SECRET })).status).toBe(
    200,
  );
});

afterAll(async () => {
  await relay.relay.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Endpoint = {
  name: string;
  method: string;
  path: (id: string) => string;
  headers?: Record<string, string>;
  body?: string;
};
const endpoints: Endpoint[] = [
  { name: 'stream', method: 'GET', path: (id) => `/hooks/${id}`, headers: { accept: 'text/event-stream' } },
  { name: 'pull', method: 'GET', path: (id) => `/api/channels/${id}/events?after=0` },
  {
    name: 'ack',
    method: 'POST',
    path: (id) => `/api/channels/${id}/ack`,
    headers: { 'content-type': 'application/json' },
    body: '{"upTo":1}',
  },
  {
    name: 'secret',
    method: 'PUT',
    path: (id) => `/api/channels/${id}/secret`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret: 'attacker-chosen-secret-000' }),
  },
  {
    name: 'profile',
    method: 'PUT',
    path: (id) => `/api/channels/${id}/profile`,
    headers: { 'content-type': 'application/json' },
    body: '{}',
  },
  { name: 'delete', method: 'DELETE', path: (id) => `/api/channels/${id}` },
];

const unknownId = () => randomBytes(16).toString('base64url');
const credentials = (): Array<{ name: string; id: string; authorization?: string }> => [
  { name: 'no token', id: mine.id },
  { name: 'wrong token', id: mine.id, authorization: `Bearer ${randomBytes(32).toString('base64url')}` },
  { name: "another channel's token", id: mine.id, authorization: `Bearer ${other.token}` },
  {
    name: 'token with a changed last character',
    id: mine.id,
    authorization: `Bearer ${withLastCharacterChanged(mine.token)}`,
  },
  { name: 'token as Basic', id: mine.id, authorization: `Basic ${mine.token}` },
  { name: 'token prefix', id: mine.id, authorization: `Bearer ${mine.token.slice(0, 20)}` },
  { name: 'empty bearer', id: mine.id, authorization: 'Bearer ' },
  { name: 'unknown channel, its own token', id: unknownId(), authorization: `Bearer ${mine.token}` },
  { name: 'unknown channel, no token', id: unknownId() },
  { name: 'malformed channel id', id: 'not..a..channel', authorization: `Bearer ${mine.token}` },
];

/** The parts of a response a prober could compare (minus per-request noise). */
const shape = (r: RawResponse) => ({
  status: r.status,
  body: r.body,
  contentType: r.headers['content-type'],
  wwwAuthenticate: r.headers['www-authenticate'],
  cacheControl: r.headers['cache-control'],
});

it('every channel endpoint × every bad credential → the same 401', async () => {
  const seen = new Set<string>();
  for (const ep of endpoints) {
    // The profile API lands with issue 8: until it is mounted, a 404 with the right token means "no such route".
    if (ep.name === 'profile') {
      const withToken = await rawRequest(
        `${relay.url}${ep.path(other.id)}`,
        ep.method,
        { ...ep.headers, authorization: `Bearer ${other.token}` },
        ep.body ? Buffer.from(ep.body) : undefined,
      );
      if (withToken.status === 404) {
        console.info('[subscriber-auth] PUT /api/channels/:id/profile is not mounted yet: skipped');
        continue;
      }
    }
    for (const c of credentials()) {
      const headers = { ...ep.headers, ...(c.authorization ? { authorization: c.authorization } : {}) };
      const res = await rawRequest(
        `${relay.url}${ep.path(c.id)}`,
        ep.method,
        headers,
        ep.body ? Buffer.from(ep.body) : undefined,
      );
      expect(res.status, `${ep.name} / ${c.name}`).toBe(401);
      seen.add(JSON.stringify(shape(res)));
    }
  }
  expect([...seen]).toHaveLength(1);
  // …and nothing was changed by any of it: the channel, its secret and its event are intact.
  const pulled = await fetch(`${relay.url}/api/channels/${mine.id}/events?after=0`, {
    headers: { authorization: `Bearer ${mine.token}` },
  });
  expect(pulled.status).toBe(200);
  expect(((await pulled.json()) as { lastSeq: number }).lastSeq).toBe(1);
  expect((await postWebhook(mine.ingestUrl, '{"triggerEvent":"PING","payload":{}}', { secret: SECRET })).status).toBe(
    200,
  );
});

it('the right token works on every endpoint (so the 401s above are about the credential)', async () => {
  const auth = { authorization: `Bearer ${mine.token}` };
  expect((await rawRequest(`${relay.url}/api/channels/${mine.id}/events?after=0`, 'GET', auth)).status).toBe(200);
  expect(
    (
      await rawRequest(
        `${relay.url}/api/channels/${mine.id}/ack`,
        'POST',
        { ...auth, 'content-type': 'application/json' },
        Buffer.from('{"upTo":1}'),
      )
    ).status,
  ).toBe(200);
  expect(
    (
      await rawRequest(
        `${relay.url}/api/channels/${mine.id}/secret`,
        'PUT',
        { ...auth, 'content-type': 'application/json' },
        Buffer.from(JSON.stringify({ secret: SECRET })),
      )
    ).status,
  ).toBe(204);
});

it('the relay stores subscriber tokens only as hashes (no token in any relay file)', async () => {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) {
    const bytes = readFileSync(join(f.parentPath, f.name));
    for (const token of [mine.token, other.token]) expect(bytes.includes(token), `${f.name} holds a token`).toBe(false);
  }
});

it('a deleted channel answers its old token exactly like an unknown channel', async () => {
  const doomed = await createChannel(relay.url);
  expect(
    (await rawRequest(`${relay.url}/api/channels/${doomed.id}`, 'DELETE', { authorization: `Bearer ${doomed.token}` }))
      .status,
  ).toBe(204);
  const after = await rawRequest(`${relay.url}/api/channels/${doomed.id}/events?after=0`, 'GET', {
    authorization: `Bearer ${doomed.token}`,
  });
  const unknown = await rawRequest(`${relay.url}/api/channels/${unknownId()}/events?after=0`, 'GET', {
    authorization: `Bearer ${doomed.token}`,
  });
  expect(shape(after)).toEqual(shape(unknown));
  expect(after.status).toBe(401);
});
