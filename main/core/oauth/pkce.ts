import { createHash } from 'node:crypto';

/** Random bytes source: the core's random port (ports.ts `Random.bytes`), so tests can be deterministic. */
export type RandomBytes = (size: number) => Uint8Array;

/** base64url without padding (RFC 7636 §3 / RFC 4648 §5). */
export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** The S256 code challenge of a verifier: base64url(SHA-256(ascii(verifier))). */
export function codeChallengeS256(verifier: string): string {
  return base64url(createHash('sha256').update(verifier, 'ascii').digest());
}

export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
}

/** A fresh PKCE pair; 32 random bytes give a 43-character verifier (RFC 7636 minimum length, 256 bits). */
export function createPkcePair(random: RandomBytes): PkcePair {
  const verifier = base64url(random(32));
  return { verifier, challenge: codeChallengeS256(verifier) };
}

/** A fresh OAuth `state`: 24 random bytes (192 bits, above the 128-bit floor), base64url. */
export function createState(random: RandomBytes): string {
  return base64url(random(24));
}
