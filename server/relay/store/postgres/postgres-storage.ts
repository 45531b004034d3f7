import type { RelayStorage, StorageHooks } from '../relay-storage';
import { createPostgresOutboxStore } from './postgres-outbox-store';
import { createPostgresProfileStore } from './postgres-profile-store';
import { openPostgresStore } from './postgres-store';
import { createPostgresTrustStore } from './postgres-trust-store';

/**
 * Everything in one PostgreSQL database shared by every relay instance: one profile for all of them; each email is
 * claimed by one worker and deduplicated by key, so event-log catch-up is safe on every instance.
 */
export async function openPostgresStorage(
  config: { readonly url: string; readonly pollMs?: number },
  hooks: StorageHooks = {},
): Promise<RelayStorage> {
  const events = await openPostgresStore(config.url, { onError: (err) => hooks.onConnectionError?.(err) });
  try {
    const [outbox, profiles, trust] = [
      await createPostgresOutboxStore(events.pool),
      await createPostgresProfileStore(events.pool),
      await createPostgresTrustStore(events.pool),
    ];
    return {
      engine: 'postgres',
      events,
      outbox,
      profiles,
      trust,
      ...(events.shared ? { wake: { commits: events.shared, pollMs: config.pollMs } } : {}),
      close: () => events.close(),
    };
  } catch (err) {
    await events.close().catch(() => {});
    throw err;
  }
}
