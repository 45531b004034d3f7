import { profileSlugSchema } from '../../../common/relay';
import type { ProfileAccess } from '../profile/profile-router';
import type { StoredProfile } from '../profile/profile-store';
import { accountOfChannel } from './channel-status';
import type { AccountRecord, TrustStore } from './trust-store';

/** The slug a Cal.com username reserves on this relay (its lowercase form), when that is a valid profile slug. */
export function reservedSlugOf(username: string): string | undefined {
  const slug = username.toLowerCase();
  return profileSlugSchema.safeParse(slug).success ? slug : undefined;
}

/** Who holds a slug now (profile/profiles.ts `Profiles.getBySlug` fits). */
export interface SlugHolders {
  getBySlug(slug: string): Promise<Pick<StoredProfile, 'userId'> | undefined>;
}

type Decision = Awaited<ReturnType<ProfileAccess['authorizePublish']>>;

const grant = (account: AccountRecord, takeOver: boolean): Decision => ({
  ok: true,
  userId: account.userId,
  takeOver,
});
const refuse = (status: number, code: string, message: string): Decision => ({ ok: false, status, code, message });

/**
 * Who may publish which profile address (DESIGN.md §4a): only verified channels of accounts not suspended; a slug
 * equal to a verified account's username is reserved for that account, which takes it back from anyone once it is
 * approved; other slugs are first come among verified accounts (the store keeps a verified holder's slug), except
 * that a holder the operator has not approved (pending or suspended) never blocks an approved account.
 * `holders` (the relay's profiles) tells who holds the slug now.
 */
export function createProfileAccess(trust: TrustStore, holders: SlugHolders): ProfileAccess {
  const isVisible = async (userId: number | null) =>
    userId !== null && (await trust.getAccount(userId))?.approval === 'approved';

  /** The slug equals the publisher's username: approval is what lets it evict another account's page. */
  const ownUsername = (account: AccountRecord, slug: string, holderId: number | null): Decision => {
    if (account.approval === 'approved') return grant(account, true);
    if (holderId === null) return grant(account, false);
    return refuse(
      409,
      'slug_taken',
      `The profile address "${slug}" is your Cal.com username but another account's page uses it; ` +
        'it becomes yours once the relay operator approves your account.',
    );
  };

  return {
    async authorizePublish(channelId, slug) {
      const account = await accountOfChannel(trust, channelId);
      if (!account) {
        return refuse(403, 'not_verified', 'Only a channel verified with its Cal.com account may publish a profile.');
      }
      // Before any slug rule: a suspended account must not take, squat or even refresh an address.
      if (account.approval === 'suspended') {
        return refuse(
          403,
          'suspended',
          'This Cal.com account is suspended on this relay, so it cannot publish a profile; ask the relay operator.',
        );
      }
      // Anonymous-era holders (null) yield to anyone in the store, so only an account's holding matters here.
      const holderId = (await holders.getBySlug(slug))?.userId ?? null;
      // Its own page: republishing it never depends on who else has since verified that name.
      if (holderId === account.userId) return grant(account, false);
      if (reservedSlugOf(account.username) === slug) return ownUsername(account, slug, holderId);
      const owner = await trust.getAccountByUsername(slug);
      if (owner && owner.userId !== account.userId) {
        return refuse(
          409,
          'slug_taken',
          `The profile address "${slug}" is reserved for the Cal.com user of that name; choose another.`,
        );
      }
      // The holder was read outside the store's transaction: if the slug changed hands in that moment, an approved
      // publisher could evict the newcomer. Narrow and open to approved accounts only; closing it needs the store to
      // compare the expected holder.
      const evicts = account.approval === 'approved' && holderId !== null && !(await isVisible(holderId));
      return grant(account, evicts);
    },
    isVisible,
  };
}
