import type { ChannelRecord, RelayStore } from './store/types';

/** What ingest needs of a channel: its id and webhook secret. */
export type IngestChannel = Pick<ChannelRecord, 'id' | 'secret'>;

export interface ChannelCache {
  /** The channel from memory, else from storage (then remembered); undefined when there is no such channel. */
  get(id: string): Promise<IngestChannel | undefined>;
  /** Call after the channel's secret changed or it was deleted (this process sees it at once). */
  invalidate(id: string): void;
}

/**
 * Channel records for POST /hooks/:channel, so ingest does not read storage on every webhook (issue 18). Changes made
 * through this process invalidate their entry at once; entries also expire after `ttlMs`, which bounds how long
 * another instance's change (PostgreSQL, several relays) goes unseen here: a rotated secret is honoured within it,
 * and a deleted channel never gains events (the append checks the channel in the same transaction). Unknown ids
 * and channels without a secret are not remembered (they go to storage each time, behind the rate limits).
 */
export function createChannelCache(
  store: Pick<RelayStore, 'getChannel'>,
  opts: { ttlMs: number; max?: number; now?: () => number },
): ChannelCache {
  const max = opts.max ?? 10_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { channel: IngestChannel; until: number }>();
  // Bumped by invalidate: a read that started before it must not store what it read.
  const epochs = new Map<string, number>();
  let epoch = 0;
  return {
    async get(id) {
      const hit = entries.get(id);
      if (hit && hit.until > now()) return hit.channel;
      const started = epoch;
      const record = await store.getChannel(id);
      if (!record) {
        entries.delete(id);
        return undefined;
      }
      const channel: IngestChannel = { id: record.id, secret: record.secret };
      // A channel without a secret yet is about to get one (perhaps on another instance): not remembered.
      if (channel.secret !== null && (epochs.get(id) ?? -1) <= started) {
        if (entries.size >= max) entries.delete(entries.keys().next().value as string);
        entries.set(id, { channel, until: now() + opts.ttlMs });
      }
      return channel;
    },
    invalidate(id) {
      entries.delete(id);
      epochs.set(id, ++epoch);
      if (epochs.size > max) epochs.delete(epochs.keys().next().value as string);
    },
  };
}
