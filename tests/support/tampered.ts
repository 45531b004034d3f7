/**
 * A credential one character off: the same length and all but the last character, which is always a different one.
 * Replacing the last character with a fixed one is a flaky test: a random base64url secret already ends with it one
 * run in 16 to 64 (a 32-byte key's last character takes one of only 16 values, and 'A' is one of them).
 */
export function withLastCharacterChanged(secret: string): string {
  return `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
}
