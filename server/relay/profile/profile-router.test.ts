import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import express, { type RequestHandler } from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProfileBody } from '../../../common/relay';
import { channelAuth } from '../channel-auth';
import { hashToken, newChannelId, newToken } from '../crypto';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import { createProfileRouter, type ProfileAccess } from './profile-router';
import { createProfiles, type Profiles } from './profiles';

const TOKENS: Record<string, string> = { chanAAAAAAAAAAAAAAAAAAAAAA: 'token-a', chanBBBBBBBBBBBBBBBBBBBBBB: 'token-b' };
const [A, B] = Object.keys(TOKENS) as [string, string];

// Same contract as channel-auth.ts: the token for :id or one 401.
const requireChannelToken: RequestHandler = (req, res, next) => {
  const id = String(req.params.id);
  if (req.get('authorization') !== `Bearer ${TOKENS[id] ?? 'none'}`) {
    return void res.status(401).json({ error: { code: 'unauthorized', message: 'Missing or invalid bearer token.' } });
  }
  next();
};

// The trust model's answers (trust/profile-access.ts has its own tests over HTTP): A and B are verified, approved
// accounts 1 and 2; any other channel is account 3.
const USERS: Record<string, number> = { [A]: 1, [B]: 2 };
const access: ProfileAccess = {
  authorizePublish: (channelId) => Promise.resolve({ ok: true, userId: USERS[channelId] ?? 3, takeOver: false }),
  isVisible: (userId) => Promise.resolve(userId !== null),
};

const body = (patch: Partial<ProfileBody> = {}): ProfileBody => ({
  slug: 'dana-reyes',
  name: 'Dana Reyes',
  bio: 'Sleep and stress coach.\n\nTen years of practice.',
  timeZone: 'America/Chicago',
  email: 'dana@example.com',
  services: [
    { durationMinutes: 30, title: 'Intro call', bookingUrl: 'https://cal.example/dana/consultation-30' },
    {
      durationMinutes: 90,
      title: 'Deep dive',
      price: '$120',
      description: 'A long session',
      location: 'In person: 12 Elm Street <Suite 2>',
      bookingUrl: 'https://cal.example/dana/consultation-90',
    },
  ],
  ...patch,
});

let db: Database.Database;
let profiles: Profiles;
let server: http.Server;
let url: string;

beforeEach(async () => {
  db = new Database(':memory:');
  profiles = createProfiles(db);
  const app = express();
  app.use(createProfileRouter({ profiles, requireChannelToken, publicUrl: 'https://relay.example', access }));
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
  db.close();
});

const put = (id: string, payload: unknown, token = TOKENS[id], type = 'application/json') =>
  fetch(`${url}/api/channels/${id}/profile`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

describe('PUT /api/channels/:id/profile', () => {
  it('publishes and replaces a profile; the mailer lookup sees it', async () => {
    expect((await put(A, body())).status).toBe(200);
    expect((await put(A, body({ preparationTips: 'Bring your sleep diary', emailsEnabled: false }))).status).toBe(200);
    expect(await profiles.getProfileForChannel(A)).toEqual({
      slug: 'dana-reyes',
      name: 'Dana Reyes',
      email: 'dana@example.com',
      timeZone: 'America/Chicago',
      preparationTips: 'Bring your sleep diary',
      emailsEnabled: false,
    });
    expect(await profiles.getProfileForChannel(B)).toBeUndefined();
  });

  it('requires the channel token', async () => {
    expect((await put(A, body(), 'token-b')).status).toBe(401);
    expect(await profiles.getProfileForChannel(A)).toBeUndefined();
  });

  it('answers 400 with a precise message on invalid bodies, 415 on non-JSON', async () => {
    const bad = await put(A, { ...body({ slug: 'Bad Slug' }), extra: 1 });
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain('slug: lowercase letters, digits and single hyphens');
    expect(error.message).toMatch(/extra/);
    const noUrl = await put(A, body({ services: [{ durationMinutes: 30, title: 'x', bookingUrl: 'not a url' }] }));
    expect(((await noUrl.json()) as { error: { message: string } }).error.message).toMatch(/^services\.0\.bookingUrl:/);
    expect((await put(A, '{"slug":', TOKENS[A])).status).toBe(400);
    expect((await put(A, 'slug=x', TOKENS[A], 'application/x-www-form-urlencoded')).status).toBe(415);
  });

  it('409 when another channel holds the slug; free again after remove()', async () => {
    expect((await put(A, body())).status).toBe(200);
    const taken = await put(B, body({ name: 'Someone else' }));
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { error: { code: string } }).error.code).toBe('slug_taken');
    // The owner may change its own slug, which frees the old one.
    expect((await put(A, body({ slug: 'dana' }))).status).toBe(200);
    expect((await put(B, body({ name: 'Someone else' }))).status).toBe(200);
    await profiles.remove(B);
    expect((await fetch(`${url}/consultations/dana-reyes`)).status).toBe(404);
  });
});

describe('GET /consultations/:slug', () => {
  it('renders services, durations, prices and Book Now links in a new tab, with OpenGraph tags and a no-script CSP', async () => {
    await put(A, body({ photoUrl: 'https://img.example/dana.jpg' }));
    const res = await fetch(`${url}/consultations/dana-reyes`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src/);
    const html = await res.text();
    // The inline stylesheet is allowed by its hash, so the page is styled under the CSP without 'unsafe-inline'.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<h1>Dana Reyes</h1>');
    expect(html).toContain('Intro call');
    expect(html).toContain('30 min');
    expect(html).toContain('1 h 30 min · In person: 12 Elm Street &#60;Suite 2&#62; · $120');
    expect(html).toContain(
      '<a class="book" href="https://cal.example/dana/consultation-30" target="_blank" rel="noopener noreferrer"',
    );
    expect(html).toContain('<meta property="og:title" content="Dana Reyes · Wellness consultations">');
    expect(html).toContain('<meta property="og:url" content="https://relay.example/consultations/dana-reyes">');
    expect(html).toContain('<meta property="og:image" content="https://img.example/dana.jpg">');
    expect(html).toContain('<meta property="og:description" content="Sleep and stress coach. Ten years of practice.">');
    expect(html).toContain('<img class="photo" src="https://img.example/dana.jpg"');
    expect(html).not.toContain('not taking bookings');
  });

  it('escapes a hostile name and bio (rendered inert)', async () => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'';
    await put(
      A,
      body({
        name: `Dana ${evil}`,
        bio: evil,
        services: [{ durationMinutes: 30, title: evil, price: evil.slice(0, 40), bookingUrl: 'https://cal.example/x' }],
      }),
    );
    const html = await (await fetch(`${url}/consultations/dana-reyes`)).text();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('content="Dana &#60;script&#62;');
  });

  it('refuses a non-http booking or photo URL at the boundary, and publishes nothing', async () => {
    for (const patch of [
      { services: [{ durationMinutes: 30, title: 'Sneaky', bookingUrl: 'javascript:alert(1)' }] },
      { photoUrl: 'javascript:alert(1)' },
    ]) {
      const res = await put(A, body(patch));
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/must be an http\(s\) URL/);
    }
    expect((await fetch(`${url}/consultations/dana-reyes`)).status).toBe(404);
  });

  it('shows "not taking bookings right now" when the services list is empty', async () => {
    await put(A, body({ services: [] }));
    const html = await (await fetch(`${url}/consultations/dana-reyes`)).text();
    expect(html).toContain('Dana Reyes is not taking bookings right now.');
    expect(html).not.toContain('Book Now');
  });

  it('answers a 404 page for unknown and malformed slugs, and never addresses profiles by channel id', async () => {
    await put(A, body());
    for (const path of ['nobody-here', 'UPPER', A, '%3Cscript%3E']) {
      const res = await fetch(`${url}/consultations/${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await res.text()).toContain('No consultant here');
    }
  });
});

describe("with the relay's own channel auth", () => {
  it('accepts channelAuth(store, "id", …) as requireChannelToken', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-auth-'));
    const store = openSqliteStore(path.join(dir, 'relay.sqlite'));
    const id = newChannelId();
    const token = newToken();
    await store.createChannel({ id, tokenHash: hashToken(token), createdAt: 0 });
    const app = express();
    app.use(
      createProfileRouter({
        profiles,
        requireChannelToken: channelAuth(store, 'id', () => undefined),
        publicUrl: () => 'https://relay.example/',
        access,
      }),
    );
    const srv = http.createServer(app);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    try {
      const send = (t: string) =>
        fetch(`${base}/api/channels/${id}/profile`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
          body: JSON.stringify(body()),
        });
      expect((await send('wrong-token-wrong-token-wrong-token')).status).toBe(401);
      expect((await send(token)).status).toBe(200);
      const html = await (await fetch(`${base}/consultations/dana-reyes`)).text();
      expect(html).toContain('content="https://relay.example/consultations/dana-reyes"');
    } finally {
      await new Promise((r) => srv.close(r));
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
