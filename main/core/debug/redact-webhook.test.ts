import { describe, expect, it } from 'vitest';
import {
  contractCancelledExample,
  contractCreatedExample,
  contractRescheduledExample,
} from '../../../tests/support/sandbox/contract-examples';
import type { Sandbox } from '../../../server/calcom-sandbox/index';
import {
  ALL_SCOPES,
  api,
  connect,
  futureWeekdayAt,
  Receiver,
  startSandbox,
} from '../../../tests/support/sandbox/sandbox-test-kit';
import { REDACTED, redactWebhookBody } from './redact-webhook';
import { createDebugMode } from './debug-mode';

/** Every string a reader must never see in Diagnostics, collected from a payload's personal fields. */
function personal(body: { payload: Record<string, unknown> }): string[] {
  const p = body.payload as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads arbitrary JSON
  const people = [...(p.attendees ?? []), p.organizer].filter(Boolean);
  return [
    ...people.flatMap((x: Record<string, string>) =>
      [x.name, x.email, x.firstName, x.lastName, x.username].filter(Boolean),
    ),
    p.description,
    p.additionalNotes,
    p.cancellationReason,
    p.rejectionReason,
    p.cancelledBy,
    p.rescheduledBy,
    p.videoCallData?.url,
    p.videoCallData?.password,
    p.metadata?.videoCallUrl,
    p.title,
    ...Object.values(p.responses ?? {})
      .map((r) => (r as { value?: unknown }).value)
      .filter((v): v is string => typeof v === 'string'),
  ].filter((s): s is string => typeof s === 'string' && s.length > 2);
}

describe('webhook body redaction on real payloads', () => {
  it.each([
    ['BOOKING_CREATED (calcom-contract §3.9 A)', contractCreatedExample],
    ['BOOKING_RESCHEDULED (B)', contractRescheduledExample],
    ['BOOKING_CANCELLED (C)', contractCancelledExample],
  ])('%s: no name, email, note, reason or meeting link survives; ids, times and statuses do', (_name, example) => {
    const out = redactWebhookBody(JSON.stringify(example));
    const secrets = personal(example as { payload: Record<string, unknown> });
    expect(secrets.length).toBeGreaterThan(4);
    for (const s of secrets) expect(out, s).not.toContain(s);
    const parsed = JSON.parse(out);
    expect(parsed.triggerEvent).toBe(example.triggerEvent);
    expect(parsed.payload.uid).toBe(example.payload.uid);
    expect(parsed.payload.startTime).toBe(example.payload.startTime);
    expect(parsed.payload.status).toBe(example.payload.status);
    expect(parsed.payload.bookingId).toBe(example.payload.bookingId);
    expect(parsed.payload.organizer.email).toBe(REDACTED);
  });

  it('bodies the sandbox sends (created, requested, no-show) are redacted the same way', async () => {
    const { sandbox, url }: { sandbox: Sandbox; url: string } = await startSandbox({ webhookTimeoutMs: 500 });
    const receiver = await Receiver.start();
    try {
      const token = (await connect(url, { scope: ALL_SCOPES })).access_token;
      await api(url, token, 'POST', '/v2/event-types', {
        title: 'Intro',
        slug: 'intro',
        lengthInMinutes: 30,
        confirmationPolicy: { type: 'always' },
      });
      await api(url, token, 'POST', '/v2/webhooks', {
        subscriberUrl: `${receiver.url}/h`,
        triggers: ['BOOKING_REQUESTED', 'BOOKING_NO_SHOW_UPDATED'],
        active: true,
      });
      const attendee = { name: 'Zoë Quintana-Ibarra', email: 'zoe.q@example.org', timeZone: 'Europe/Madrid' };
      const { booking } = await sandbox.createBooking({
        username: 'dana-reyes',
        eventTypeSlug: 'intro',
        start: futureWeekdayAt(15),
        attendee,
        notes: 'Knee injury, private',
      });
      await sandbox.markNoShow(booking.uid, attendee.email, true);
      expect(receiver.requests).toHaveLength(2);
      for (const r of receiver.requests) {
        const out = redactWebhookBody(r.raw);
        for (const s of ['Zoë', 'zoe.q@example.org', 'Knee injury', 'dana@example.com', 'Dana Reyes'])
          expect(out).not.toContain(s);
        expect(out).toContain(booking.uid);
      }
    } finally {
      await receiver.close();
      await sandbox.stop();
    }
  });

  it('a body that is not JSON shows only its size', () => {
    expect(redactWebhookBody('name=Sam&email=sam@example.net')).toBe('(not JSON, 30 bytes)');
  });
});

describe('debug mode', () => {
  it('is on for one day from the setting, or for the run from the environment; keeps bodies only while on', () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    let until: string | undefined = '2026-12-02T10:00:00.000Z';
    const d = createDebugMode({ env: false, until: () => until, now: () => now });
    expect(d.state()).toEqual({ active: true, source: 'setting', until });
    d.capture(Buffer.from(JSON.stringify(contractCreatedExample)), 'BOOKING_CREATED');
    expect(d.bodies()).toHaveLength(1);
    expect(d.bodies()[0]?.body).not.toContain('sam.lee@example.net');
    now = Date.parse('2026-12-02T10:00:01Z'); // a day later: off by itself
    expect(d.state()).toEqual({ active: false });
    expect(d.bodies()).toEqual([]);
    until = undefined;
    expect(createDebugMode({ env: true, until: () => undefined, now: () => now }).state()).toEqual({
      active: true,
      source: 'env',
    });
  });
});
