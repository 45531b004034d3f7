import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { SmeeClient } from 'smee-client';
import { afterEach } from 'vitest';
// smee-client's own fetch (undici 7, hoisted as its dependency): Node 20's built-in fetch cannot drive undici 7's
// dispatcher, which smee-client installs globally, so the wrapper must call the same fetch smee-client would.
import { fetch as undiciFetch } from 'undici';
import { createChannelResponseSchema, type CreateChannelResponse } from '../../../common/relay';
import { loadRelayConfig, type RelayConfig } from '../../../server/relay/config';
import { calSignature } from '../../../server/relay/crypto';
import { createRelay, type Relay, type RelayOptions } from '../../../server/relay/relay';

/** Test helpers shared by the relay's test files (not a test file itself). */

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'relay-test-'));
}

export function testConfig(
  dataDir: string,
  env: Record<string, string> = {},
  patch: Partial<RelayConfig> = {},
): RelayConfig {
  const base = loadRelayConfig({
    RELAY_PORT: '0',
    RELAY_DATA_DIR: dataDir,
    RELAY_LOG_LEVEL: 'info',
    RELAY_HEARTBEAT_MS: '200',
    RELAY_METRICS_TOKEN: TEST_METRICS_TOKEN,
    // Test channels are seldom approved: with the default reserve (4 GiB) every test's webhooks would be refused on a
    // machine with less than ~5 GiB free. disk-reserve.test.ts sets its own.
    RELAY_APPROVED_DISK_RESERVE: '0',
    ...env,
  });
  return { ...base, ...patch };
}

export interface TestRelay {
  readonly relay: Relay;
  readonly url: string;
  readonly logs: () => string;
}

/** Starts a relay on 127.0.0.1:0 capturing its logs in memory. */
export async function startRelay(config: RelayConfig, options: RelayOptions = {}): Promise<TestRelay> {
  const sink = new PassThrough();
  let logs = '';
  sink.on('data', (c: Buffer) => (logs += c.toString()));
  const relay = createRelay(config, { logDestination: sink, ...options });
  const url = await relay.start();
  return { relay, url, logs: () => logs };
}

/**
 * The relays and data folders of one test file, stopped and removed after each test: `start` runs a relay (in a fresh
 * data folder unless given one), `dir` makes a folder for a relay the test starts and stops itself.
 */
export function relaysPerTest(config: (dataDir: string, env: Record<string, string>) => RelayConfig = testConfig): {
  dir: () => string;
  start: (env?: Record<string, string>, dataDir?: string, options?: RelayOptions) => Promise<TestRelay>;
} {
  const running: TestRelay[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) await r.relay.stop();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const dir = () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
  return {
    dir,
    async start(env = {}, dataDir = dir(), options = {}) {
      const r = await startRelay(config(dataDir, env), options);
      running.push(r);
      return r;
    },
  };
}

export async function createChannel(url: string, headers: Record<string, string> = {}): Promise<CreateChannelResponse> {
  const res = await fetch(`${url}/api/channels`, { method: 'POST', headers });
  if (res.status !== 201) throw new Error(`create channel: ${res.status} ${await res.text()}`);
  return createChannelResponseSchema.parse(await res.json());
}

/** The webhook secret of createReadyChannel: channels accept webhooks only once one is set (issue 16). */
export const TEST_SECRET = 'test-webhook-secret-0123456789';
/** Bearer token testConfig gives /metrics (closed without one). */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';

/** A channel with TEST_SECRET set, ready to ingest signed webhooks. */
export async function createReadyChannel(
  url: string,
  headers: Record<string, string> = {},
): Promise<CreateChannelResponse> {
  const ch = await createChannel(url, headers);
  await setSecret(url, ch, TEST_SECRET);
  return ch;
}

export async function setSecret(url: string, ch: CreateChannelResponse, secret: string): Promise<void> {
  const res = await fetch(`${url}/api/channels/${ch.id}/secret`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ch.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ secret }),
  });
  if (res.status !== 204) throw new Error(`set secret: ${res.status}`);
}

/** Posts a webhook like Cal.com: raw bytes, signed when a secret is given. */
export function postWebhook(
  ingestUrl: string,
  body: string | Buffer,
  opts: { secret?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (opts.secret) headers['x-cal-signature-256'] = calSignature(opts.secret, raw);
  return fetch(ingestUrl, { method: 'POST', headers, body: raw });
}

export interface Received {
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly raw: Buffer;
}

/** A local express target that records what smee-client forwards. */
export async function startTarget(): Promise<{
  url: string;
  received: Received[];
  waitFor(n: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const app = express();
  app.post('/hook', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    received.push({ url: req.originalUrl, headers: req.headers, raw: req.body as Buffer });
    res.status(200).end();
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    waitFor: (n, ms = 10_000) =>
      waitUntil(() => received.length >= n, ms, `${n} forwarded events (got ${received.length})`),
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

export async function waitUntil(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const silent = { info: () => {}, error: () => {} };

/**
 * The real smee-client, authenticated the way the desktop app does it: a fetch wrapper that adds the bearer
 * token to the SSE request only. Records the Last-Event-ID of every stream request.
 */
export async function startSmee(source: string, target: string, token: string) {
  const streamRequests: Array<{ lastEventId: string | null }> = [];
  const authFetch = (url: string | URL, init: Parameters<typeof undiciFetch>[1] = {}) => {
    const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
    if (headers.get('accept') === 'text/event-stream') {
      headers.set('authorization', `Bearer ${token}`);
      streamRequests.push({ lastEventId: headers.get('last-event-id') });
      return undiciFetch(url, { ...init, headers: Object.fromEntries(headers) });
    }
    return undiciFetch(url, init);
  };
  const client = new SmeeClient({ source, target, fetch: authFetch, logger: silent, maxConnectionTimeout: 10_000 });
  await client.start();
  return { client, streamRequests };
}

/** Reads a raw SSE response for a while, returning the text (for exact wire-format checks). */
export async function readSse(
  url: string,
  headers: Record<string, string>,
  untilText: string | RegExp,
  ms = 5000,
): Promise<{ status: number; text: string; headers: Headers }> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ac.signal });
  let text = '';
  try {
    if (res.body) {
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        text += decoder.decode(chunk as Uint8Array, { stream: true });
        if (typeof untilText === 'string' ? text.includes(untilText) : untilText.test(text)) break;
      }
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return { status: res.status, text, headers: res.headers };
}

/** One sample of the relay's /metrics (testConfig's metrics token), e.g. `relay_stream_refusals_total{reason="x"}`. */
export async function metricValue(url: string, sample: string): Promise<number | undefined> {
  const text = await (
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
  ).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

/** Waits until the relay's relay_open_streams gauge shows n. */
export async function openStreamsReach(url: string, n: number, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await metricValue(url, 'relay_open_streams')) !== n) {
    if (Date.now() > deadline) throw new Error(`open streams never reached ${n}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
