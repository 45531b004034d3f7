import type Database from 'better-sqlite3';
import type { ProfileStore, PublishedProfile, StoredProfile } from './profile-store';
import { createSqliteProfileStore } from '../store/sqlite/sqlite-profile-store';

/** What the mailer needs to know about a channel's consultant. */
export interface ConsultantMailProfile {
  readonly slug: string;
  readonly name: string;
  readonly email: string;
  readonly timeZone: string;
  readonly preparationTips: string;
  readonly emailsEnabled: boolean;
}

/** The profile service the router and the mailer share. */
export interface Profiles {
  /** `owner`: the verified account publishing, and whether the slug is its own username (takes it from anyone). */
  publish(
    channelId: string,
    profile: PublishedProfile,
    owner?: { userId: number | null; takeOver: boolean },
  ): Promise<'ok' | 'slug_taken'>;
  getBySlug(slug: string): Promise<StoredProfile | undefined>;
  getByChannel(channelId: string): Promise<StoredProfile | undefined>;
  /** The consultant's mail settings, or undefined before the app has published a profile. */
  getProfileForChannel(channelId: string): Promise<ConsultantMailProfile | undefined>;
  /** Call when the channel is deleted: its page then answers 404 and its slug is free again. */
  remove(channelId: string): Promise<boolean>;
}

const isStore = (x: Database.Database | ProfileStore): x is ProfileStore =>
  typeof (x as ProfileStore).getBySlug === 'function';

/** Creates the profile service on a better-sqlite3 handle (tables created here) or on another ProfileStore. */
export function createProfiles(source: Database.Database | ProfileStore, now: () => number = Date.now): Profiles {
  const store = isStore(source) ? source : createSqliteProfileStore(source);
  return {
    publish: (channelId, profile, owner = { userId: null, takeOver: false }) =>
      store.put({ channelId, profile, updatedAt: now(), userId: owner.userId }, { takeOver: owner.takeOver }),
    getBySlug: (slug) => store.getBySlug(slug),
    getByChannel: (channelId) => store.getByChannel(channelId),
    async getProfileForChannel(channelId) {
      const p = (await store.getByChannel(channelId))?.profile;
      return (
        p && {
          slug: p.slug,
          name: p.name,
          email: p.email,
          timeZone: p.timeZone,
          preparationTips: p.preparationTips,
          emailsEnabled: p.emailsEnabled,
        }
      );
    },
    remove: (channelId) => store.remove(channelId),
  };
}
