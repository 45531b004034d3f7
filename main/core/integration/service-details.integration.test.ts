import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceDetails } from '../../../common/services';
import type { Stack, TestCore } from '../../../tests/support/app/connect-harness';
import { consent, followRedirect, makeCore, startStack } from '../../../tests/support/app/connect-harness';
import type { IntegrationRecord } from './integration-records';
import { recordKeys } from './integration-records';

/** Issue 19: services the consultant shapes are written to Cal.com's event types and the relay's public profile. */
let stack: Stack;
let t: TestCore;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});
beforeEach(async () => {
  await stack.freshSandbox();
  t = await makeCore(stack);
  const { authorizeUrl } = await t.core.handlers.connect({});
  await followRedirect(await consent(authorizeUrl, 'allow', 'dana-reyes'), t.core);
  await t.waitFor((s) => s.connection.status === 'connected');
});
afterEach(async () => {
  await t.dispose();
});

const deepDive: ServiceDetails = {
  title: 'Deep dive session',
  description: 'Sleep, stress and a plan for the next month.',
  location: { type: 'in-person', address: '12 Elm Street, Springfield' },
  requiresConfirmation: true,
};

describe('updateService', () => {
  it('PATCHes the event type (title, description, location, confirmation); the booking page and the profile show it', async () => {
    await t.core.handlers.updateService({ duration: 90, details: deepDive });
    const et = stack.sandbox.listEventTypes('dana-reyes').find((e) => e.lengthInMinutes === 90);
    expect(et).toMatchObject({
      title: 'Deep dive session',
      description: deepDive.description,
      locations: [{ type: 'address', address: '12 Elm Street, Springfield', public: true }],
      confirmationPolicy: { type: 'always' },
    });
    const page = await (await fetch(`${stack.calcomUrl}/dana-reyes/${et?.slug}`)).text();
    expect(page).toContain('Deep dive session');
    expect(page).toContain('Sleep, stress and a plan for the next month.');
    expect(page).toContain('In person: 12 Elm Street, Springfield');
    expect(
      t.settings.readRecord<IntegrationRecord>(recordKeys.integration)?.eventTypes.find((l) => l.duration === 90)
        ?.title,
    ).toBe('Deep dive session');
    const profile = await (await fetch(`${stack.relayUrl}/consultations/dana-reyes`)).text();
    expect(profile).toContain('Deep dive session');
    expect(profile).toContain('Sleep, stress and a plan for the next month.');
    // A booking of it is now a request the consultant answers.
    const { booking } = await stack.sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: et?.slug as string,
      start: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 11) + '15:00:00.000Z',
      attendee: { name: 'A', email: 'a@example.com', timeZone: 'UTC' },
    });
    expect(booking.status).toBe('pending');
    await t.core.handlers.updateService({
      duration: 90,
      details: {
        ...deepDive,
        location: { type: 'link', link: 'https://meet.example.com/dana' },
        requiresConfirmation: false,
      },
    });
    expect(stack.sandbox.listEventTypes('dana-reyes').find((e) => e.lengthInMinutes === 90)).toMatchObject({
      locations: [{ type: 'link', link: 'https://meet.example.com/dana' }],
      confirmationPolicy: { disabled: true },
    });
  });

  it('Cal.com refusing (500) saves nothing locally; a turned-off service gets its details but stays off the profile', async () => {
    stack.sandbox.setFaults({ api: [{ mode: '500', path: '^/v2/event-types/' }] });
    await expect(
      t.core.handlers.updateService({ duration: 30, details: { ...deepDive, title: 'Quick check-in' } }),
    ).rejects.toMatchObject({ code: 'calcom_unavailable' });
    stack.sandbox.setFaults({});
    expect((await t.core.handlers.getSettings({})).serviceDetails?.[30]).toBeUndefined();
    await t.core.handlers.setServices({ 30: true, 60: true, 90: false });
    await t.core.handlers.updateService({
      duration: 90,
      details: { ...deepDive, location: { type: 'phone', phone: '+1 555 0100' } },
    });
    expect(stack.sandbox.listEventTypes('dana-reyes').find((e) => e.lengthInMinutes === 90)?.hidden).toBe(true);
    expect(await (await fetch(`${stack.relayUrl}/consultations/dana-reyes`)).text()).not.toContain('Deep dive session');
  });
});

describe('one sender of client emails (issue 19)', () => {
  const attendeeEmailsOff = () =>
    stack.sandbox
      .listEventTypes('dana-reyes')
      .map(
        (e) =>
          (e as { emailSettings?: { disableStandardEmailsToAttendees?: boolean } }).emailSettings
            ?.disableStandardEmailsToAttendees,
      );

  it('LifeScore’s emails (the default): Cal.com’s standard attendee emails are turned off on every event type; choosing Cal.com’s turns them back on', async () => {
    expect(attendeeEmailsOff()).toEqual([true, true, true]);
    await t.core.handlers.updateSettings({ relayEmails: false });
    expect(attendeeEmailsOff()).toEqual([false, false, false]);
    await t.core.handlers.disconnect({ hideEventTypes: false });
    expect(attendeeEmailsOff()).toEqual([false, false, false]);
  });

  it('a Cal.com that ignores emailSettings (personal account): LifeScore keeps Cal.com’s emails and says why', async () => {
    await t.core.handlers.updateSettings({ relayEmails: false });
    stack.sandbox.setFaults({ emailSettingsIgnored: true });
    const saved = await t.core.handlers.updateSettings({ relayEmails: true });
    expect(saved.relayEmails).toBe(false);
    const state = await t.state();
    expect(state.connection.notice?.message).toMatch(/never gets two confirmations/);
    stack.sandbox.setFaults({});
  });
});
