import type { AccountRecord, ChannelBinding } from './trust-store';

/** Trust rows as both engines return them (snake_case columns; PostgreSQL BIGINTs may arrive as strings) → records. */
export interface AccountRow {
  user_id: number;
  username: string;
  email: string;
  time_zone: string;
  approval: AccountRecord['approval'];
  first_verified_at: number;
  decided_at: number | null;
}
export interface BindingRow {
  channel_id: string;
  user_id: number;
  device_id: string;
  verified_at: number;
  other_device_since: number | null;
}

export const toAccount = (r: AccountRow): AccountRecord => ({
  userId: Number(r.user_id),
  username: r.username,
  email: r.email,
  timeZone: r.time_zone,
  approval: r.approval,
  firstVerifiedAt: Number(r.first_verified_at),
  decidedAt: r.decided_at === null ? null : Number(r.decided_at),
});
export const toBinding = (r: BindingRow): ChannelBinding => ({
  channelId: r.channel_id,
  userId: Number(r.user_id),
  deviceId: r.device_id,
  verifiedAt: Number(r.verified_at),
  otherDeviceSince: r.other_device_since === null ? null : Number(r.other_device_since),
});
