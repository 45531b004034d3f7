/**
 * Pure helpers of the Cal.com audit log: a path fit to keep (ids stay; query values that may be personal data go) and
 * the rate-limit headers in one short string. Nothing here ever sees a header other than X-RateLimit-*.
 */

/** Query parameters whose values are never personal data (paging, sorting, times, statuses, numeric ids). */
const SAFE_QUERY = new Set([
  'take',
  'skip',
  'status',
  'eventTypeId',
  'eventTypeIds',
  'teamId',
  'teamsIds',
  'afterStart',
  'beforeEnd',
  'afterCreatedAt',
  'beforeCreatedAt',
  'afterUpdatedAt',
  'beforeUpdatedAt',
  'sortStart',
  'sortEnd',
  'sortCreated',
  'sortUpdatedAt',
  'sortCreatedAt',
]);

/** The path of `url` plus its query with unsafe values replaced by `…` (attendeeEmail, attendeeName, codes, …). */
export function auditPath(url: URL | string): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  const parts: string[] = [];
  for (const [k, v] of u.searchParams)
    parts.push(`${encodeURIComponent(k)}=${SAFE_QUERY.has(k) ? encodeURIComponent(v) : '…'}`);
  return parts.length > 0 ? `${u.pathname}?${parts.join('&')}` : u.pathname;
}

/** `X-RateLimit-*` headers as "limit-default=500 remaining-default=499 reset-default=60"; null when none. */
export function rateLimitOf(headers: Headers | undefined): string | null {
  if (!headers) return null;
  const pairs: string[] = [];
  headers.forEach((value, name) => {
    const n = name.toLowerCase();
    if (n.startsWith('x-ratelimit-') && /^[\d.]+$/.test(value.trim()))
      pairs.push(`${n.slice('x-ratelimit-'.length)}=${value.trim()}`);
  });
  return pairs.length > 0 ? pairs.sort().join(' ') : null;
}

/** The grant type of a token request body (form or JSON), and nothing else from it. */
export function grantOf(body: unknown): string | null {
  let raw: string | null = null;
  if (typeof body === 'string') raw = body;
  else if (body instanceof URLSearchParams) return body.get('grant_type');
  if (raw === null) return null;
  try {
    const json = JSON.parse(raw) as { grant_type?: unknown };
    return typeof json.grant_type === 'string' ? json.grant_type : null;
  } catch {
    return new URLSearchParams(raw).get('grant_type');
  }
}
