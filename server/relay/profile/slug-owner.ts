import type { PutOptions } from './profile-store';

/**
 * Whether the current holder of a slug gives it up to a publisher (both engines apply this one rule): the same
 * account moving its page between its channels, a holder from before verification existed (no account), or the
 * publisher taking back its own Cal.com username.
 */
export function yields(
  holderUserId: number | string | null,
  publisherUserId: number | null,
  options: PutOptions,
): boolean {
  if (options.takeOver || holderUserId === null) return true;
  return publisherUserId !== null && Number(holderUserId) === publisherUserId;
}
