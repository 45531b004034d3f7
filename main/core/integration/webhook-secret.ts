import type { RandomBytes } from '../oauth/pkce';

/** A fresh Cal.com webhook secret: 32 random bytes (256 bits), base64url, as the relay and Cal.com store it. */
export function newWebhookSecret(random: RandomBytes): string {
  return Buffer.from(random(32)).toString('base64url');
}
