/**
 * Deepest nesting a webhook body may have. Cal.com payloads nest a handful of levels; a body of brackets nested
 * hundreds of thousands deep still parses, but ~10x slower than flat JSON, and JSON.stringify of it overflows the
 * stack, so every replay of such an event cost a parse and sent `"body":null` (security review, stop 41).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests arrays and objects deeper than maxDepth, in one pass over the bytes. Strings are skipped
 * with Buffer.indexOf (native): they are most of a booking payload's bytes, and a byte-by-byte loop over them cost
 * more than JSON.parse itself. Only meaningful for text that is JSON; invalid text may get either answer.
 */
export function nestsDeeperThan(bytes: Buffer, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x22) {
      // To the closing quote: the next one not escaped by an odd run of backslashes.
      for (;;) {
        const end = bytes.indexOf(0x22, i + 1);
        if (end < 0) return false;
        let k = end - 1;
        while (bytes[k] === 0x5c) k--;
        i = end;
        if ((end - 1 - k) % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
