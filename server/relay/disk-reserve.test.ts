import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../calcom-sandbox';
import type { RelayOptions } from './relay';
import { openRelayStorage } from './store/open-relay-storage';
import { createReadyChannel, postWebhook, relaysPerTest, TEST_SECRET } from '../../tests/support/relay/relay-test-kit';
import {
  adminDecide,
  startTestSandbox,
  trustedConfig,
  verifiedChannel,
} from '../../tests/support/relay/verified-channel';

/**
 * The disk space above RELAY_MIN_FREE_DISK kept for approved consultants: anyone can make a channel and sign webhooks
 * into it, and before this an attacker's channels filled the disk to the floor, after which every consultant's
 * bookings were refused. Thresholds are set around this machine's real free space (statfs of the data folder).
 */
let sandbox: Sandbox;
let sandboxUrl = '';
beforeAll(async () => {
  ({ sandbox, url: sandboxUrl } = await startTestSandbox());
});
afterAll(() => sandbox.stop());

const relays = relaysPerTest((dir, env) => trustedConfig(dir, sandboxUrl, env));
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('disk reserve for approved consultants', () => {
  it('refuses channels nobody approved while free space is inside the reserve, and stores approved ones', async () => {
    // Free space is far below 1 MiB + 100,000 GiB: inside the reserve, above the floor.
    const { url, logs } = await relays.start({
      RELAY_MIN_FREE_DISK: '1mb',
      RELAY_APPROVED_DISK_RESERVE: '100000gb',
      RELAY_APPROVAL: 'manual',
    });
    const anonymous = await createReadyChannel(url);
    const pending = (await verifiedChannel(url, sandboxUrl, { username: 'omar-haddad', secret: TEST_SECRET })).ch;
    const approved = (await verifiedChannel(url, sandboxUrl, { username: 'dana-reyes', secret: TEST_SECRET })).ch;
    expect((await adminDecide(url, 'dana-reyes', 'approve')).status).toBe(200);
    const post = (ingestUrl: string) => postWebhook(ingestUrl, '{"triggerEvent":"PING"}', { secret: TEST_SECRET });

    for (const ch of [anonymous, pending]) {
      const res = await post(ch.ingestUrl);
      expect(res.status).toBe(507);
      expect(await errorOf(res)).toEqual({
        code: 'insufficient_storage',
        message: expect.stringContaining('for approved consultants'),
      });
    }
    expect((await post(approved.ingestUrl)).status).toBe(200);
    expect(logs()).toContain('disk space in the reserve for approved consultants');
  });

  it('answers 503 when the approval cannot be read inside the reserve, and keeps serving', async () => {
    const openStorage: RelayOptions['openStorage'] = async (config, hooks) => {
      const real = await openRelayStorage(config, hooks);
      const getBinding: typeof real.trust.getBinding = () => Promise.reject(new Error('storage down'));
      return { ...real, trust: { ...real.trust, getBinding } };
    };
    const { url } = await relays.start(
      { RELAY_MIN_FREE_DISK: '1mb', RELAY_APPROVED_DISK_RESERVE: '100000gb' },
      undefined,
      { openStorage },
    );
    const ch = await createReadyChannel(url);
    const res = await postWebhook(ch.ingestUrl, '{"a":1}', { secret: TEST_SECRET });
    expect(res.status).toBe(503);
    expect((await errorOf(res)).code).toBe('storage_unavailable');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('refuses every channel below the floor itself, and none above floor and reserve', async () => {
    const low = await relays.start({ RELAY_MIN_FREE_DISK: '100000gb', RELAY_APPROVED_DISK_RESERVE: '1mb' });
    const approved = (await verifiedChannel(low.url, sandboxUrl, { secret: TEST_SECRET })).ch; // auto-approved
    const refused = await postWebhook(approved.ingestUrl, '{"a":1}', { secret: TEST_SECRET });
    expect(refused.status).toBe(507);
    expect((await errorOf(refused)).message).toContain('low on disk space');

    const roomy = await relays.start({ RELAY_MIN_FREE_DISK: '1mb', RELAY_APPROVED_DISK_RESERVE: '1mb' });
    const anonymous = await createReadyChannel(roomy.url);
    expect((await postWebhook(anonymous.ingestUrl, '{"a":1}', { secret: TEST_SECRET })).status).toBe(200);
  });
});
