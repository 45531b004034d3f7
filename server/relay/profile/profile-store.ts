import type { z } from 'zod';
import type { profileBodySchema } from '../../../common/relay';

/** A profile as published (common/relay.ts profileBodySchema, defaults applied). */
export type PublishedProfile = z.output<typeof profileBodySchema>;

/** One channel's profile; the slug is unique across channels. */
export interface StoredProfile {
  readonly channelId: string;
  readonly profile: PublishedProfile;
  readonly updatedAt: number;
  /** The verified Cal.com account that published it; null for profiles from before verification (issue 16). */
  readonly userId: number | null;
}

/**
 * How a put treats a slug another channel holds: a holder of the same account, or one published before verification
 * existed (userId null), always yields; `takeOver` (decided by trust/profile-access.ts: an approved account's own username, or a holder that is not approved) evicts that holder.
 */
export interface PutOptions {
  readonly takeOver: boolean;
}

/** Storage port for profiles: engine-neutral and asynchronous so a PostgreSQL adapter fits the same shape. */
export interface ProfileStore {
  /** Creates or replaces the channel's profile; 'slug_taken' when another account holds the slug (see PutOptions). */
  put(record: StoredProfile, options?: PutOptions): Promise<'ok' | 'slug_taken'>;
  getBySlug(slug: string): Promise<StoredProfile | undefined>;
  getByChannel(channelId: string): Promise<StoredProfile | undefined>;
  /** Deletes the channel's profile (channel deleted); false when there was none. */
  remove(channelId: string): Promise<boolean>;
}
