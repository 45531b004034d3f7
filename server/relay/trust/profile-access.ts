import { profileSlugSchema } from '../../../common/relay';
import type { ProfileAccess } from '../profile/profile-router';
import type { TrustStore } from './trust-store';

/** The slug a Cal.com username reserves on this relay (its lowercase form), when that is a valid profile slug. */
export function reservedSlugOf(username: string): string | undefined {
  const slug = username.toLowerCase();
  return profileSlugSchema.safeParse(slug).success ? slug : undefined;
}

/**
 * Who may publish which profile address (DESIGN.md §4a): only verified channels; a slug equal to a verified
 * account's username belongs to that account (it takes it back from anyone); other slugs are first come among
 * verified accounts (the store keeps a verified holder's slug).
 */
export function createProfileAccess(trust: TrustStore): ProfileAccess {
  return {
    async authorizePublish(channelId, slug) {
      const binding = await trust.getBinding(channelId);
      const account = binding && (await trust.getAccount(binding.userId));
      if (!account) {
        return {
          ok: false,
          status: 403,
          code: 'not_verified',
          message: 'Only a channel verified with its Cal.com account may publish a profile.',
        };
      }
      if (reservedSlugOf(account.username) === slug) return { ok: true, userId: account.userId, takeOver: true };
      const owner = await trust.getAccountByUsername(slug);
      if (owner && owner.userId !== account.userId) {
        return {
          ok: false,
          status: 409,
          code: 'slug_taken',
          message: `The profile address "${slug}" is reserved for the Cal.com user of that name; choose another.`,
        };
      }
      return { ok: true, userId: account.userId, takeOver: false };
    },
    async isVisible(userId) {
      if (userId === null) return false;
      return (await trust.getAccount(userId))?.approval === 'approved';
    },
  };
}
