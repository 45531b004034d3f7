import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelStatusSchema,
  publishProfileResponseSchema,
  relayErrorSchema,
  type CreateChannelResponse,
} from '../../../common/relay';
import type { Sandbox } from '../../calcom-sandbox';
import { startPgTestCluster, type PgTestCluster } from '../../../tests/support/relay/pg-test-cluster';
import { relaysPerTest } from '../../../tests/support/relay/relay-test-kit';
import {
  adminDecide,
  profileBody,
  putProfile,
  startTestSandbox,
  trustedConfig,
  verifiedChannel,
} from '../../../tests/support/relay/verified-channel';

/**
 * Who may take a profile address from whom (DESIGN.md §4a), as an attacker would try it over HTTP: the approval
 * state decides, not only the Cal.com username (security review 41, repro E). Real relay on each storage engine,
 * the Cal.com sandbox answering /v2/me (users dana-reyes, omar-haddad, mei-tanaka).
 */
let sandbox: Sandbox;
let sandboxUrl = '';
let cluster: PgTestCluster;
beforeAll(async () => {
  ({ sandbox, url: sandboxUrl } = await startTestSandbox());
  cluster = await startPgTestCluster();
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
  await cluster?.stop();
});

const start = relaysPerTest((dir, env) => trustedConfig(dir, sandboxUrl, { RELAY_APPROVAL: 'manual', ...env })).start;

const status = async (url: string, ch: CreateChannelResponse) => {
  const res = await fetch(`${url}/api/channels/${ch.id}`, { headers: { authorization: `Bearer ${ch.token}` } });
  expect(res.status).toBe(200);
  return channelStatusSchema.parse(await res.json());
};
const refusal = async (res: Response) => relayErrorSchema.parse(await res.json()).error;
const page = async (url: string, slug: string) => {
  const res = await fetch(`${url}/consultations/${slug}`);
  return { status: res.status, html: await res.text() };
};

/** An approved consultant's channel. */
async function approved(url: string, username: string, accessToken?: string) {
  const v = await verifiedChannel(url, sandboxUrl, { username, accessToken });
  expect((await adminDecide(url, username, 'approve')).status).toBe(200);
  return v;
}

/** Dana, approved, holding the custom slug "omar-haddad" with mail switched off, before Omar ever verifies. */
async function danaHoldsOmarsName(url: string) {
  const dana = await approved(url, 'dana-reyes');
  const put = await putProfile(url, dana.ch, profileBody({ slug: 'omar-haddad', emailsEnabled: false }));
  expect(publishProfileResponseSchema.parse(await put.json()).visible).toBe(true);
  return dana;
}

/** Dana still holds the page at "omar-haddad", visible, and her emailsEnabled:false is intact. */
async function expectDanaKeepsIt(url: string, ch: CreateChannelResponse) {
  const shown = await page(url, 'omar-haddad');
  expect(shown.status).toBe(200);
  expect(shown.html).toContain('<h1>Dana Reyes</h1>');
  expect(await status(url, ch)).toMatchObject({
    profile: { slug: 'omar-haddad', visible: true },
    emailsActive: false,
  });
}

const engines: Array<[string, () => Promise<Record<string, string>>]> = [
  ['SQLite', () => Promise.resolve({})],
  ['PostgreSQL', async () => ({ DATABASE_URL: await cluster.createDatabase() })],
];

describe.each(engines)('profile addresses and approval (%s)', (_engine, storage) => {
  it('a suspended account cannot publish at all: 403 suspended, the approved holder of its username keeps her page', async () => {
    const r = await start(await storage());
    const dana = await danaHoldsOmarsName(r.url);
    const omar = await verifiedChannel(r.url, sandboxUrl, { username: 'omar-haddad' });
    expect((await adminDecide(r.url, 'omar-haddad', 'suspend')).status).toBe(200);

    for (const slug of ['omar-haddad', 'a-free-address']) {
      const res = await putProfile(r.url, omar.ch, profileBody({ name: 'Squatter', slug }));
      expect(res.status).toBe(403);
      expect(await refusal(res)).toMatchObject({ code: 'suspended', message: expect.stringMatching(/suspended/) });
    }
    await expectDanaKeepsIt(r.url, dana.ch);
    expect((await page(r.url, 'a-free-address')).status).toBe(404);
    expect((await status(r.url, omar.ch)).profile).toBeNull();
    // Omar's reservation of his name does not freeze the page Dana already holds under it.
    const update = await putProfile(
      r.url,
      dana.ch,
      profileBody({ slug: 'omar-haddad', bio: 'Updated', emailsEnabled: false }),
    );
    expect(update.status).toBe(200);
    await expectDanaKeepsIt(r.url, dana.ch);
  });

  it('a pending account cannot take its username from another account: 409 slug_taken until it is approved', async () => {
    const r = await start(await storage());
    const dana = await danaHoldsOmarsName(r.url);
    const omar = await verifiedChannel(r.url, sandboxUrl, { username: 'omar-haddad' });
    expect(omar.identity.approval).toBe('pending');

    const res = await putProfile(r.url, omar.ch, profileBody({ name: 'Omar Haddad', slug: 'omar-haddad' }));
    expect(res.status).toBe(409);
    expect(await refusal(res)).toMatchObject({ code: 'slug_taken', message: expect.stringMatching(/once .*approves/) });
    await expectDanaKeepsIt(r.url, dana.ch);
    expect((await status(r.url, omar.ch)).profile).toBeNull();

    // Approved, the account owns its username again (DESIGN.md §4a): it takes the address back.
    expect((await adminDecide(r.url, 'omar-haddad', 'approve')).status).toBe(200);
    expect((await putProfile(r.url, omar.ch, profileBody({ name: 'Omar Haddad', slug: 'omar-haddad' }))).status).toBe(
      200,
    );
    expect((await page(r.url, 'omar-haddad')).html).toContain('<h1>Omar Haddad</h1>');
    expect((await status(r.url, dana.ch)).profile).toBeNull();
  });

  it('an approved account takes a custom slug held by a pending or a suspended account; an approved holder keeps hers', async () => {
    const r = await start(await storage());
    const mei = await verifiedChannel(r.url, sandboxUrl, { username: 'mei-tanaka' });
    expect((await putProfile(r.url, mei.ch, profileBody({ name: 'Squat', slug: 'life-coach' }))).status).toBe(200);
    const omar = await approved(r.url, 'omar-haddad');
    expect((await putProfile(r.url, omar.ch, profileBody({ name: 'Omar Haddad', slug: 'sleep-coach' }))).status).toBe(
      200,
    );
    expect((await adminDecide(r.url, 'omar-haddad', 'suspend')).status).toBe(200);

    // Mei (pending) holds "life-coach", Omar (suspended) "sleep-coach".
    const dana = await approved(r.url, 'dana-reyes');
    const danaElsewhere = await verifiedChannel(r.url, sandboxUrl, { accessToken: dana.accessToken });
    const fromPending = await putProfile(r.url, dana.ch, profileBody({ slug: 'life-coach' }));
    expect(publishProfileResponseSchema.parse(await fromPending.json()).visible).toBe(true);
    expect((await putProfile(r.url, danaElsewhere.ch, profileBody({ slug: 'sleep-coach' }))).status).toBe(200);
    for (const slug of ['life-coach', 'sleep-coach']) {
      const shown = await page(r.url, slug);
      expect(shown.status).toBe(200);
      expect(shown.html).toContain('<h1>Dana Reyes</h1>');
    }
    expect((await status(r.url, mei.ch)).profile).toBeNull();
    expect((await status(r.url, omar.ch)).profile).toBeNull();

    // The other way round stays first come: the pending account cannot take it back, nor the approved holder's slug.
    const back = await putProfile(r.url, mei.ch, profileBody({ name: 'Squat', slug: 'life-coach' }));
    expect(back.status).toBe(409);
    expect((await refusal(back)).code).toBe('slug_taken');
    expect((await adminDecide(r.url, 'mei-tanaka', 'approve')).status).toBe(200);
    expect((await putProfile(r.url, mei.ch, profileBody({ name: 'Mei', slug: 'sleep-coach' }))).status).toBe(409);
    expect((await page(r.url, 'sleep-coach')).html).toContain('<h1>Dana Reyes</h1>');
  });
});
