import { describe, expect, it } from 'vitest';
import type { IntegrationRecord } from './integration-records';
import { toConnectionState } from './connection-state';

const record: IntegrationRecord = {
  isConnected: true, username: 'dana-reyes', userId: 1, email: 'd@x', timeZone: 'UTC', eventTypes: [], webhookId: 'w',
  channel: { relayUrl: 'r', channelId: 'c', ingestUrl: 'i', streamUrl: 's' }, connectedAt: '2026-01-01T00:00:00.000Z',
};

describe('toConnectionState', () => {
  it.each([
    ['nothing', undefined, {}, { status: 'disconnected', eventTypes: [] }],
    ['waiting', undefined, { step: 'waiting-for-browser', authorizeUrl: 'u' }, { status: 'connecting', step: 'waiting-for-browser', authorizeUrl: 'u', eventTypes: [] }],
    ['denied', undefined, { error: { code: 'oauth_denied', message: 'm' } }, { status: 'disconnected', eventTypes: [], error: { code: 'oauth_denied', message: 'm' } }],
    ['setup failed', undefined, { failed: true, error: { code: 'relay_unavailable', message: 'm' } }, { status: 'error', eventTypes: [], error: { code: 'relay_unavailable', message: 'm' } }],
    ['connected', record, {}, { status: 'connected', username: 'dana-reyes', userId: 1, email: 'd@x', timeZone: 'UTC', connectedAt: record.connectedAt, eventTypes: [] }],
  ] as const)('%s', (_n, rec, activity, want) => {
    expect(toConnectionState(rec, activity)).toEqual(want);
  });

  it('reconnect needed carries its error', () => {
    expect(toConnectionState({ ...record, reconnectNeeded: true }, {})).toMatchObject({ status: 'reconnect-needed', error: { code: 'reconnect_needed' } });
  });
});
