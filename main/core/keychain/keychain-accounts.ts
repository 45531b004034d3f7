/** Keychain account names (the service name comes from AppConfig.keychainService: dev and production differ). */
export const keychainAccounts = {
  calcomAccess: 'calcom:access',
  calcomRefresh: 'calcom:refresh',
  /** Expiry of the access token (epoch ms) — not secret, but it must change atomically with the token. */
  calcomExpires: 'calcom:expires',
  relayToken: 'relay:token',
  /** A relay channel token kept only until a failed disconnect manages to delete its channel. */
  relayCleanupToken: 'relay:cleanup-token',
  webhookSecret: 'webhook:secret',
} as const;
