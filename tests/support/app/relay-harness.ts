import { request } from 'node:http';
import { createRelay, loadRelayConfig } from '../../../server/relay/index';
import type { Relay } from '../../../server/relay/index';
import type { CreateChannelResponse } from '../../../common/relay';
import { signCalBody } from '../../../main/core/sync/signature';

/** Test helper: the real relay on loopback (restartable on the same port and data folder), and a Cal.com stand-in. */
export interface TestRelay {
  readonly url: string;
  readonly relay: Relay;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestRelay(dataDir: string): Promise<TestRelay> {
  const env = {
    RELAY_PORT: '0',
    RELAY_DATA_DIR: dataDir,
    RELAY_HEARTBEAT_MS: '200',
    RELAY_LOG_LEVEL: 'silent',
    RELAY_RATE_LIMIT_IP_PER_MIN: '1000000',
    RELAY_RATE_LIMIT_CHANNEL_PER_MIN: '1000000',
    RELAY_RATE_LIMIT_API_PER_MIN: '1000000',
    RELAY_RATE_LIMIT_STREAM_PER_MIN: '1000000',
  };
  let relay = createRelay(loadRelayConfig(env));
  const url = await relay.start();
  const port = new URL(url).port;
  let running = true;
  const self: TestRelay = {
    url,
    get relay() {
      return relay;
    },
    async restart() {
      if (running) await relay.stop();
      relay = createRelay(loadRelayConfig({ ...env, RELAY_PORT: port }));
      await relay.start();
      running = true;
    },
    async stop() {
      if (running) await relay.stop();
      running = false;
    },
  };
  return self;
}

/** Creates a channel (and sets its secret when given). */
export async function createChannel(relayUrl: string, secret: string | null): Promise<CreateChannelResponse> {
  const res = await fetch(`${relayUrl}/api/channels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (res.status !== 201) throw new Error(`create channel: ${res.status} ${await res.text()}`);
  const channel = (await res.json()) as CreateChannelResponse;
  if (secret) {
    const put = await fetch(`${relayUrl}/api/channels/${channel.id}/secret`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${channel.token}` },
      body: JSON.stringify({ secret }),
    });
    if (put.status !== 204) throw new Error(`set secret: ${put.status}`);
  }
  return channel;
}

/** Posts a webhook body as Cal.com would, signed with `secret` (a fresh connection each time, like Cal.com). */
export function ingest(ingestUrl: string, body: string, secret: string): Promise<number> {
  const url = new URL(ingestUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'x-cal-signature-256': signCalBody(secret, body),
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
