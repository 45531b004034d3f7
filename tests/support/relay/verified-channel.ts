import { randomBytes } from 'node:crypto';
import {
  presentIdentityResponseSchema,
  type CreateChannelResponse,
  type PresentIdentityResponse,
  type ProfileBody,
} from '../../../common/relay';
import { connect, startSandbox } from '../sandbox/sandbox-test-kit';
import type { Sandbox } from '../../../server/calcom-sandbox';
import type { RelayConfig } from '../../../server/relay/config';
import { createChannel, setSecret, testConfig } from './relay-test-kit';

/** Test support (issue 16): channels that have proven their Cal.com account to the relay, against the real sandbox. */

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';
export const METRICS_TOKEN = 'metrics-token-for-tests-0123';

/** A fresh device id, as the app keeps one per installation. */
export const newDeviceId = (): string => randomBytes(16).toString('base64url');

/** Starts the Cal.com sandbox on an ephemeral port (its seeded users: dana-reyes, omar-haddad, mei-tanaka). */
export async function startTestSandbox(): Promise<{ sandbox: Sandbox; url: string }> {
  return startSandbox();
}

/** A relay configuration that verifies identities against `sandboxUrl`, with admin and metrics tokens set. */
export function trustedConfig(
  dataDir: string,
  sandboxUrl: string,
  env: Record<string, string> = {},
  patch: Partial<RelayConfig> = {},
): RelayConfig {
  return testConfig(
    dataDir,
    { RELAY_CALCOM_API_URL: sandboxUrl, RELAY_ADMIN_TOKEN: ADMIN_TOKEN, RELAY_METRICS_TOKEN: METRICS_TOKEN, ...env },
    patch,
  );
}

/** A real Cal.com access token for a sandbox user, through the full OAuth round trip. */
export async function accessTokenFor(sandboxUrl: string, username = 'dana-reyes'): Promise<string> {
  return (await connect(sandboxUrl, { username })).access_token;
}

/** `POST /api/channels/:id/identity` as the app sends it. */
export function presentIdentity(relayUrl: string, ch: CreateChannelResponse, body: unknown): Promise<Response> {
  return fetch(`${relayUrl}/api/channels/${ch.id}/identity`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ch.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Creates a channel, sets its webhook secret and verifies it as `username`; throws unless the relay answers 200. */
export async function verifiedChannel(
  relayUrl: string,
  sandboxUrl: string,
  opts: { username?: string; secret?: string; deviceId?: string; accessToken?: string } = {},
): Promise<{ ch: CreateChannelResponse; identity: PresentIdentityResponse; deviceId: string; accessToken: string }> {
  const ch = await createChannel(relayUrl);
  await setSecret(relayUrl, ch, opts.secret ?? 'a-webhook-secret-of-some-length');
  const deviceId = opts.deviceId ?? newDeviceId();
  const accessToken = opts.accessToken ?? (await accessTokenFor(sandboxUrl, opts.username));
  const res = await presentIdentity(relayUrl, ch, { accessToken, deviceId });
  if (res.status !== 200) throw new Error(`identity: ${res.status} ${await res.text()}`);
  return { ch, identity: presentIdentityResponseSchema.parse(await res.json()), deviceId, accessToken };
}

/** `POST /api/admin/consultants/:username/approve|suspend`. */
export function adminDecide(
  relayUrl: string,
  username: string,
  action: 'approve' | 'suspend',
  token = ADMIN_TOKEN,
): Promise<Response> {
  return fetch(`${relayUrl}/api/admin/consultants/${username}/${action}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
}

/** A complete profile body for PUT /api/channels/:id/profile. */
export function profileBody(patch: Partial<ProfileBody> = {}): ProfileBody {
  return {
    slug: 'dana-reyes',
    name: 'Dana Reyes',
    bio: '',
    preparationTips: 'Bring your sleep diary',
    timeZone: 'America/Chicago',
    email: 'dana@example.com',
    services: [
      {
        durationMinutes: 60,
        title: '60 Min Consultation',
        bookingUrl: 'https://cal.example/dana-reyes/consultation-60min',
      },
    ],
    emailsEnabled: true,
    ...patch,
  };
}

/** `PUT /api/channels/:id/profile`. */
export function putProfile(relayUrl: string, ch: CreateChannelResponse, body: unknown): Promise<Response> {
  return fetch(`${relayUrl}/api/channels/${ch.id}/profile`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ch.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
