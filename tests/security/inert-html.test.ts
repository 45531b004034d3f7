import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { payload } from '../support/app/booking-fixtures';
import type { Sandbox } from '../../server/calcom-sandbox/index';
import { api, connect, futureWeekdayAt, startSandbox } from '../support/sandbox/sandbox-test-kit';
import { bookingFacts } from '../../server/relay/mail/email-booking-facts';
import { composeEmail } from '../../server/relay/mail/compose-email';
import type { MailKind } from '../../server/relay/mail/outbox-store';
import { renderHtml } from '../../server/relay/mail/render-html';
import { renderProfilePage } from '../../server/relay/profile/profile-page';
import type { PublishedProfile } from '../../server/relay/profile/profile-store';
import type { TestRelay } from '../support/relay/relay-test-kit';
import { startRelay, tempDir, testConfig } from '../support/relay/relay-test-kit';

/**
 * Issue 11, security: names, notes, bios and reasons containing markup render as text in every page and email we
 * produce. Each page is rendered twice, with harmless text and with attack strings in the same fields: the attack
 * version may not contain one more tag, event-handler attribute or javascript: URL than the harmless one.
 */

const ATTACKS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '"><svg onload=alert(3)>',
  "'><iframe src=javascript:alert(4)>",
  '</textarea></title><a href="javascript:alert(5)">x</a>',
];
const attack = (i: number) => ATTACKS[i % ATTACKS.length] as string;

const decode = (v: string) =>
  v
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCharCode(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** What an injection would add: tags, on…= handler attributes, javascript: URLs in URL attributes (text is skipped). */
function activeParts(html: string) {
  const tags = html.match(/<[a-zA-Z!/][^>]*>/g) ?? [];
  let handlers = 0;
  let jsUrls = 0;
  for (const tag of tags) {
    for (const m of tag.matchAll(/\s([a-zA-Z:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
      const name = (m[1] as string).toLowerCase();
      const value = decode(m[3] ?? m[4] ?? m[5] ?? '')
        .trim()
        .toLowerCase();
      if (name.startsWith('on')) handlers += 1;
      if (
        ['href', 'src', 'action', 'formaction', 'xlink:href', 'content'].includes(name) &&
        /^\s*javascript:/.test(value)
      )
        jsUrls += 1;
    }
  }
  return { tags: tags.length, handlers, jsUrls, scripts: tags.filter((t) => /^<script\b/i.test(t)).length };
}

function expectInert(safe: string, hostile: string): void {
  expect(activeParts(hostile)).toEqual(activeParts(safe));
  for (const a of ATTACKS) expect(hostile).not.toContain(a);
}

let sandbox: Sandbox;
let calUrl: string;
let relay: TestRelay;
beforeAll(async () => {
  ({ sandbox, url: calUrl } = await startSandbox());
  relay = await startRelay(testConfig(tempDir(), { RELAY_LOG_LEVEL: 'silent' }));
});
afterAll(async () => {
  await sandbox.stop();
  await relay.relay.stop();
});

it('the sandbox booking confirmation and admin pages show attendee names, notes and reasons as text', async () => {
  // The sandbox starts without event types: create one the way the app does, through the API.
  const token = (await connect(calUrl)).access_token;
  expect(
    (
      await api(calUrl, token, 'POST', '/v2/event-types', {
        title: 'Consult',
        slug: 'consult-60',
        lengthInMinutes: 60,
        hidden: false,
      })
    ).status,
  ).toBe(201);
  const slug = sandbox.listEventTypes('dana-reyes')[0]?.slug as string;
  const render = async (hostile: boolean, weeks: number) => {
    const text = (i: number, plain: string) => (hostile ? attack(i) : plain);
    const b = (
      await sandbox.createBooking({
        username: 'dana-reyes',
        eventTypeSlug: slug,
        start: futureWeekdayAt(14, weeks),
        attendee: { name: text(0, 'Sam Lee'), email: 'sam@example.net', timeZone: 'Europe/Paris' },
        notes: text(1, 'First session'),
      })
    ).booking;
    await sandbox.cancelBooking(b.uid, { reason: text(2, 'Schedule clash') });
    const page = await fetch(`${calUrl}/booking/${b.uid}`).then((r) => r.text());
    return page.replaceAll(b.uid, 'UID');
  };
  expectInert(await render(false, 1), await render(true, 2));
  const admin = await fetch(`${calUrl}/_sandbox`).then((r) => r.text());
  for (const a of ATTACKS) expect(admin).not.toContain(a);
});

it('the relay’s OAuth bounce page hands on hostile code/state/error values inert (and under a nonce CSP)', async () => {
  const get = async (q: Record<string, string>) => {
    const res = await fetch(`${relay.url}/oauth/calcom/callback?${new URLSearchParams(q)}`);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    return (await res.text()).replace(/nonce-?="?[A-Za-z0-9+/=]+"?/g, 'NONCE').replace(/nonce="[^"]*"/g, 'NONCE');
  };
  expectInert(await get({ code: 'abc', state: 'def' }), await get({ code: attack(0), state: attack(1) }));
  expectInert(
    await get({ error: 'access_denied', error_description: 'No' }),
    await get({ error: attack(2), error_description: attack(3) }),
  );
});

it('the public profile page renders bio, name, tips and services as text', () => {
  const profile = (hostile: boolean): PublishedProfile =>
    ({
      slug: 'dana-reyes',
      name: hostile ? attack(0) : 'Dana Reyes',
      bio: hostile ? `${attack(1)}\n\n${attack(4)}` : 'Sleep coach\n\nTen years',
      preparationTips: hostile ? attack(2) : 'Bring notes',
      timeZone: 'America/Chicago',
      email: 'dana@example.com',
      photoUrl: hostile ? 'javascript:alert(6)' : undefined,
      services: [
        {
          durationMinutes: 60,
          title: hostile ? attack(3) : 'Consult',
          description: hostile ? attack(4) : 'Talk',
          bookingUrl: 'https://cal.com/dana/60',
        },
      ],
      emailsEnabled: true,
    }) as PublishedProfile;
  const safe = renderProfilePage(profile(false), 'https://relay.example/consultations/dana-reyes');
  const hostile = renderProfilePage(profile(true), 'https://relay.example/consultations/dana-reyes');
  expectInert(safe, hostile);
});

it('booking emails render attendee names, notes, reasons and the consultant’s tips as text', () => {
  const triggers = {
    created: 'BOOKING_CREATED',
    rescheduled: 'BOOKING_RESCHEDULED',
    cancelled: 'BOOKING_CANCELLED',
    requested: 'BOOKING_REQUESTED',
    rejected: 'BOOKING_REJECTED',
  } as const;
  const kinds: MailKind[] = [
    'created:organizer',
    'created:attendee',
    'rescheduled:attendee',
    'cancelled:organizer',
    'cancelled:attendee',
    'requested:attendee',
    'rejected:attendee',
  ];
  const person = { name: 'Sam', email: 'sam@example.net', timeZone: 'Europe/Paris', hour12: false };
  let rendered = 0;
  for (const kind of kinds) {
    const trigger = triggers[kind.split(':')[0] as keyof typeof triggers];
    const html = (hostile: boolean) => {
      const t = (i: number, plain: string) => (hostile ? attack(i) : plain);
      const p = payload('mail-uid', {
        title: t(0, '60 Min Consultation'),
        description: t(1, 'First session'),
        additionalNotes: t(2, 'Notes'),
        cancellationReason: t(3, 'Clash'),
        rejectionReason: t(4, 'Full'),
        rescheduleUid: 'old-uid',
        rescheduleStartTime: '2026-02-16T17:00:00Z',
        rescheduleEndTime: '2026-02-16T18:00:00Z',
        attendees: [{ name: t(4, 'Sam Lee'), email: 'sam@example.net', timeZone: 'Europe/Paris' }],
      });
      const facts = bookingFacts(trigger, '2026-02-10T14:00:00Z', p);
      if (!facts) return undefined;
      return renderHtml(
        composeEmail(kind, facts, person, {
          name: t(1, 'Dana'),
          tips: [t(2, 'Water')],
          rebookUrl: 'https://relay.example/consultations/dana',
        }),
      );
    };
    const safe = html(false);
    const hostile = html(true);
    if (safe === undefined || hostile === undefined) continue;
    expectInert(safe, hostile);
    rendered += 1;
  }
  expect(rendered).toBeGreaterThanOrEqual(5);
});

it('the app’s renderer never writes HTML from data (React escapes text; no innerHTML anywhere)', () => {
  const root = resolve(import.meta.dirname, '../../renderer');
  const sources = readdirSync(root, { recursive: true, withFileTypes: true }).filter(
    (d) => d.isFile() && /\.(tsx?|html)$/.test(d.name) && !/\.test\.tsx?$/.test(d.name),
  );
  expect(sources.length).toBeGreaterThan(0);
  for (const f of sources) {
    const text = readFileSync(join(f.parentPath, f.name), 'utf8');
    expect(text, f.name).not.toMatch(
      /dangerouslySetInnerHTML|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write\(/,
    );
  }
});
