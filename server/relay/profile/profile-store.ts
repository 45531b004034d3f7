import type { z } from 'zod';
import type { profileBodySchema } from '../../../common/relay';

/** A profile as published (common/relay.ts profileBodySchema, defaults applied). */
export type PublishedProfile = z.output<typeof profileBodySchema>;

/** One channel's profile; the slug is unique across channels. */
export interface StoredProfile {
  readonly channelId: string;
  readonly profile: PublishedProfile;
  readonly updatedAt: number;
}

/** Storage port for profiles: engine-neutral and asynchronous so a PostgreSQL adapter fits the same shape. */
export interface ProfileStore {
  /** Creates or replaces the channel's profile; 'slug_taken' when another channel owns the slug. */
  put(record: StoredProfile): Promise<'ok' | 'slug_taken'>;
  getBySlug(slug: string): Promise<StoredProfile | undefined>;
  getByChannel(channelId: string): Promise<StoredProfile | undefined>;
  /** Deletes the channel's profile (channel deleted); false when there was none. */
  remove(channelId: string): Promise<boolean>;
}
