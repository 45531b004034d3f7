/**
 * Finds the deep link in a command line (Windows and Linux deliver `lifescore://…` as an argv entry of a
 * second instance). Chromium may add switches of its own, so only entries that parse as a URL of one of our
 * schemes count, and the answer is null unless there is exactly one (GitHub Desktop's rule): an argv carrying
 * two links is ambiguous and may be an attempt to smuggle one past the user.
 */
const MAX_LINK_LENGTH = 8192;

export function extractDeepLink(argv: readonly unknown[], schemes: readonly string[]): string | null {
  const prefixes = schemes.map((s) => `${s.toLowerCase()}:`);
  const found: string[] = [];
  for (const arg of argv) {
    if (typeof arg !== 'string' || arg.length > MAX_LINK_LENGTH) continue;
    const lower = arg.toLowerCase();
    if (!prefixes.some((p) => lower.startsWith(p))) continue;
    try {
      const url = new URL(arg);
      if (prefixes.includes(url.protocol)) found.push(arg);
    } catch {
      // Not a URL: a Chromium switch or a stray argument, never a link.
    }
  }
  return found.length === 1 ? (found[0] ?? null) : null;
}

/** The argv a second instance passed as `additionalData` (lossless-cut: plain argv can be mangled on Windows). */
export function argvFromAdditionalData(data: unknown): readonly string[] {
  if (typeof data !== 'object' || data === null || !('argv' in data)) return [];
  const argv = (data as { argv: unknown }).argv;
  return Array.isArray(argv) ? argv.filter((a): a is string => typeof a === 'string') : [];
}
