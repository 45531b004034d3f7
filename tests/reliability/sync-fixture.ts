import type { SyncState } from '../../common/app-state';
import type { CreateChannelResponse } from '../../common/relay';
import type { SyncBookingStore } from '../../main/core/bookings/booking-store';
import type { SyncEngineInput } from '../../main/core/sync/sync-engine';
import { createSyncEngine } from '../../main/core/sync/sync-engine';
import type { SyncEngine } from '../../main/core/sync/sync-types';

/** Test support: the real sync engine (smee-client, receiver, SQLite) with short budgets, recording what it reports. */

export const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface RecordingEngine {
  readonly engine: SyncEngine;
  /** How many times each uid was reported changed. */
  readonly changed: Map<string, number>;
  readonly states: SyncState[];
}

/** Builds (does not start) an engine for `channel` on `relayUrl`. */
export function recordingEngine(
  store: SyncBookingStore,
  relayUrl: string,
  channel: CreateChannelResponse,
  secret: string,
  overrides: Partial<SyncEngineInput> = {},
): RecordingEngine {
  const changed = new Map<string, number>();
  const states: SyncState[] = [];
  const engine = createSyncEngine({
    store,
    fetch,
    random: Math.random,
    channel: { relayUrl, channelId: channel.id, token: channel.token, streamUrl: `${relayUrl}/hooks/${channel.id}` },
    webhookSecret: async () => secret,
    bookingsSource: { readBookingsPage: async () => ({ items: [], hasNextPage: false, totalItems: 0 }) },
    logger: quietLogger,
    onBookingsChanged: (uids) => uids.forEach((u) => changed.set(u, (changed.get(u) ?? 0) + 1)),
    onState: (s) => states.push(s),
    onLastSynced: () => undefined,
    silenceBudgetMs: 1_500,
    connectTimeoutMs: 3_000,
    gapDelayMs: 100,
    ackDelayMs: 50,
    backoff: { baseMs: 50, maxMs: 400 },
    ...overrides,
  });
  return { engine, changed, states };
}
