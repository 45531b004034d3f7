import { describe, expect, it } from 'vitest';
import type { IntegrationRecord } from './integration-records';
import { toConnectionState } from './connection-state';

const record: IntegrationRecord = {
  isConnected: true,
  username: 'dana-reyes',
  userId: 1,
  email: 'd@x',
  timeZone: 'UTC',
  eventTypes: [],
  webhookId: 'w',
  channel: { relayUrl: 'r', channelId: 'c', ingestUrl: 'i', streamUrl: 's' },
  connectedAt: '2026-01-01T00:00:00.000Z',
  grantedScopes: ['PROFILE_READ', 'BOOKING_READ', 'BOOKING_WRITE'],
};

describe('toConnectionState', () => {
  it('asks for BOOKING_WRITE when the granted scopes lack it or are unknown (a connection older than issue 19)', () => {
    const { grantedScopes: _g, ...old } = record;
    void _g;
    for (const rec of [old, { ...record, grantedScopes: ['BOOKING_READ'] }]) {
      expect(toConnectionState(rec, {}).missingPermission).toMatchObject({
        scope: 'BOOKING_WRITE',
        why: expect.stringContaining('Cal.com will ask you once'),
      });
    }
    expect(toConnectionState(record, {}).missingPermission).toBeUndefined();
  });

  it.each([
    ['nothing', undefined, {}, { status: 'disconnected', eventTypes: [] }],
    [
      'waiting',
      undefined,
      { step: 'waiting-for-browser', authorizeUrl: 'u' },
      { status: 'connecting', step: 'waiting-for-browser', authorizeUrl: 'u', eventTypes: [] },
    ],
    [
      'denied',
      undefined,
      { error: { code: 'oauth_denied', message: 'm' } },
      { status: 'disconnected', eventTypes: [], error: { code: 'oauth_denied', message: 'm' } },
    ],
    [
      'setup failed',
      undefined,
      { failed: true, error: { code: 'relay_unavailable', message: 'm' } },
      { status: 'error', eventTypes: [], error: { code: 'relay_unavailable', message: 'm' } },
    ],
    [
      'connected',
      record,
      {},
      {
        status: 'connected',
        username: 'dana-reyes',
        userId: 1,
        email: 'd@x',
        timeZone: 'UTC',
        connectedAt: record.connectedAt,
        eventTypes: [],
      },
    ],
  ] as const)('%s', (_n, rec, activity, want) => {
    expect(toConnectionState(rec, activity)).toEqual(want);
  });

  it('reconnect needed carries its error', () => {
    expect(toConnectionState({ ...record, reconnectNeeded: true }, {})).toMatchObject({
      status: 'reconnect-needed',
      error: { code: 'reconnect_needed' },
    });
  });
});

describe('toConnectionState: relay trust model (issue 16)', () => {
  it('says "Connected on another computer" instead of a bare reconnect when the relay saw another device', () => {
    const state = toConnectionState(
      { ...record, reconnectNeeded: true, otherDeviceSince: '2026-02-01T00:00:00.000Z' },
      {},
    );
    expect(state).toMatchObject({
      status: 'reconnect-needed',
      otherDeviceSince: '2026-02-01T00:00:00.000Z',
      error: { code: 'other_computer' },
    });
    expect(state.error?.message).toMatch(/^Connected on another computer/);
  });

  it('carries approval, visibility, the last profile answer and a notice', () => {
    const notice = { message: 'healed', at: '2026-02-01T00:00:00.000Z' };
    const profileAnswer = { status: 'taken', slug: 'dana', message: 'taken' } as const;
    expect(
      toConnectionState(
        { ...record, approval: 'pending', profileVisible: false, emailsActive: false },
        {},
        { notice, profileAnswer },
      ),
    ).toMatchObject({
      status: 'connected',
      approval: 'pending',
      profileVisible: false,
      emailsActive: false,
      notice,
      profileAnswer,
    });
  });
});
