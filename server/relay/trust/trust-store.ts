/** A Cal.com account the relay has verified (GET /v2/me), and the operator's decision on it. */
export interface AccountRecord {
  readonly userId: number;
  readonly username: string;
  readonly email: string;
  readonly timeZone: string;
  readonly approval: 'pending' | 'approved' | 'suspended';
  readonly firstVerifiedAt: number;
  readonly decidedAt: number | null;
}

/** Which account a channel is bound to, from which device. */
export interface ChannelBinding {
  readonly channelId: string;
  readonly userId: number;
  readonly deviceId: string;
  readonly verifiedAt: number;
  /** When the same account verified a channel on another device after this one. */
  readonly otherDeviceSince: number | null;
}

/** What one verification learned; the access token itself never reaches the store. */
export interface VerifiedAccount {
  readonly userId: number;
  readonly username: string;
  readonly email: string;
  readonly timeZone: string;
}

/** Storage port of the trust model (DESIGN.md §4a): accounts, channel bindings, daily mail counters. */
export interface TrustStore {
  /** Creates the account with `initialApproval`, or refreshes its username, email and time zone (approval kept). */
  upsertAccount(account: VerifiedAccount, now: number, initialApproval: 'pending' | 'approved'): Promise<AccountRecord>;
  getAccount(userId: number): Promise<AccountRecord | undefined>;
  /** The account whose Cal.com username is `username` (case-insensitive). */
  getAccountByUsername(username: string): Promise<AccountRecord | undefined>;
  /** Binds (or re-binds) a channel to an account and device; clears its otherDeviceSince. */
  bindChannel(binding: { channelId: string; userId: number; deviceId: string; verifiedAt: number }): Promise<void>;
  getBinding(channelId: string): Promise<ChannelBinding | undefined>;
  bindingsOfAccount(userId: number): Promise<ChannelBinding[]>;
  markOtherDevice(channelId: string, since: number): Promise<void>;
  /** Called when the channel is deleted. */
  unbindChannel(channelId: string): Promise<void>;
  setApproval(userId: number, approval: 'approved' | 'suspended', now: number): Promise<AccountRecord | undefined>;
  listAccounts(): Promise<Array<AccountRecord & { channels: number }>>;
  /**
   * Atomically adds n to the account's count for `day` unless that would pass cap; false when refused. Calls made in
   * the same turn are decided in call order.
   */
  reserveMail(userId: number, day: string, n: number, cap: number): Promise<boolean>;
}

/** One reserveMail call. */
export interface MailReservation {
  readonly userId: number;
  readonly day: string;
  readonly n: number;
  readonly cap: number;
}
