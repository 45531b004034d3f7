import type { ChannelStatus, VerifiedIdentity } from '../../../common/relay';
import type { Profiles } from '../profile';
import type { ChannelRecord } from '../store/types';
import type { AccountRecord, ChannelBinding, TrustStore } from './trust-store';

const iso = (ms: number) => new Date(ms).toISOString();

/** The identity as the app sees it (common/relay.ts verifiedIdentitySchema). */
export function identityOf(account: AccountRecord, binding: ChannelBinding): VerifiedIdentity {
  return {
    userId: account.userId,
    username: account.username,
    email: account.email,
    timeZone: account.timeZone,
    verifiedAt: iso(binding.verifiedAt),
  };
}

/** The verified Cal.com account the channel is bound to, if any. */
export async function accountOfChannel(trust: TrustStore, channelId: string): Promise<AccountRecord | undefined> {
  const binding = await trust.getBinding(channelId);
  return binding && trust.getAccount(binding.userId);
}

/** Whether the channel is bound to a verified Cal.com account the operator approved. */
export async function isChannelApproved(trust: TrustStore, channelId: string): Promise<boolean> {
  return (await accountOfChannel(trust, channelId))?.approval === 'approved';
}

/** `GET /api/channels/:id`: what the app shows on its dashboard and in Settings. */
export async function channelStatus(
  channel: ChannelRecord,
  deps: { trust: TrustStore; profiles: Profiles; publicUrl: string },
): Promise<ChannelStatus> {
  const binding = await deps.trust.getBinding(channel.id);
  const account = binding && (await deps.trust.getAccount(binding.userId));
  const approval = account?.approval ?? 'none';
  const stored = await deps.profiles.getByChannel(channel.id);
  const approved = approval === 'approved';
  return {
    id: channel.id,
    secretSet: channel.secret !== null,
    identity: account && binding ? identityOf(account, binding) : null,
    approval,
    profile: stored
      ? {
          slug: stored.profile.slug,
          url: `${deps.publicUrl}/consultations/${stored.profile.slug}`,
          visible: approved && stored.userId !== null,
        }
      : null,
    otherDeviceSince: binding?.otherDeviceSince ? iso(binding.otherDeviceSince) : null,
    emailsActive: Boolean(account) && approved && (stored?.profile.emailsEnabled ?? true),
  };
}
