import { timingSafeEqual } from 'node:crypto';

/**
 * Pure checks the browser host applies to every request. The host listens on loopback only, but any page in
 * any browser on this machine can still send requests to it, so (as lossless-cut's httpServerUtil.ts explains)
 * it checks Host against DNS rebinding, Origin against CSRF, and a per-run secret for everything that acts.
 */

/** Hosts a browser sends for our own pages: the loopback literal (what we print) and `localhost`. */
export function allowedHosts(port: number): readonly string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** True when the Host header names this host on its own port (a rebinding page would send its own name). */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (hostHeader === undefined) return false;
  return allowedHosts(port).includes(hostHeader.toLowerCase());
}

/** True when there is no Origin (same-origin GET navigations) or it is exactly one of our own origins. */
export function isAllowedOrigin(originHeader: string | undefined, port: number): boolean {
  if (originHeader === undefined) return true;
  return allowedHosts(port).some((host) => originHeader.toLowerCase() === `http://${host}`);
}

/** Fetch metadata: a browser marks requests from other sites; those never reach the bridge. */
export function isAllowedFetchSite(secFetchSite: string | undefined): boolean {
  return secFetchSite === undefined || secFetchSite === 'same-origin' || secFetchSite === 'none';
}

/** Constant-time comparison of the presented secret with the run's secret. */
export function secretMatches(presented: string | undefined, secret: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(secret, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A secret must carry at least 128 bits; we accept base64url/hex of ≥22 characters from callers. */
export function isStrongSecret(secret: string): boolean {
  return /^[A-Za-z0-9_-]{22,256}$/.test(secret);
}
