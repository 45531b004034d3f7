import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../../server/calcom-sandbox/index';

/** Test support (no mocks): a real webhook receiver, a real OAuth round trip, and small HTTP helpers. */

export const LOOPBACK_REDIRECT = 'http://127.0.0.1:53682/calcom/callback';
export const ALL_SCOPES = 'PROFILE_READ EVENT_TYPE_READ EVENT_TYPE_WRITE WEBHOOK_READ WEBHOOK_WRITE BOOKING_READ';

/** Starts a sandbox on an ephemeral port. */
export async function startSandbox(options: SandboxOptions = {}): Promise<{ sandbox: Sandbox; url: string }> {
  const sandbox = createSandbox({ port: 0, ...options });
  const url = await sandbox.start();
  return { sandbox, url };
}

/** A PKCE verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** One captured webhook request: raw body bytes as received. */
export interface Captured {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
}

/** A real HTTP server that records every request; `respond` decides the answer (default 200). */
export class Receiver {
  readonly requests: Captured[];
  private constructor(
    private readonly server: Server,
    readonly url: string,
    requests: Captured[],
  ) {
    this.requests = requests;
  }

  static async start(
    respond: (c: Captured, res: ServerResponse) => void = (_c, res) => res.end('ok'),
  ): Promise<Receiver> {
    const requests: Captured[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const c = { path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') };
        requests.push(c);
        respond(c, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests);
  }

  /** Parsed bodies of the captured requests. */
  bodies(): { triggerEvent: string; createdAt: string; payload: Record<string, unknown> }[] {
    return this.requests.map((r) => JSON.parse(r.raw));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Runs the browser side of the authorize flow (consent form POST) and returns the redirect Location. */
export async function authorize(
  url: string,
  params: Record<string, string>,
  consent: { username?: string; decision?: 'allow' | 'deny' } = {},
): Promise<URL> {
  const page = await fetch(`${url}/auth/oauth2/authorize?${new URLSearchParams(params)}`);
  if (page.status !== 200) throw new Error(`authorize page answered ${page.status}: ${await page.text()}`);
  const form = new URLSearchParams({
    ...params,
    username: consent.username ?? 'dana-reyes',
    decision: consent.decision ?? 'allow',
  });
  const res = await fetch(`${url}/auth/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 303 || !location) throw new Error(`consent answered ${res.status}`);
  return new URL(location);
}

/** POSTs to the token endpoint as JSON (or form) and returns status, headers and parsed body. */
export async function tokenRequest(url: string, body: Record<string, string>, as: 'json' | 'form' = 'json') {
  const res = await fetch(
    `${url}/v2/auth/oauth2/token`,
    as === 'json'
      ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : { method: 'POST', body: new URLSearchParams(body) },
  );
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** The full OAuth round trip for a consultant; returns the token response. */
export async function connect(
  url: string,
  opts: { username?: string; scope?: string } = {},
): Promise<{ access_token: string; refresh_token: string; expires_in: number; scope: string }> {
  const { verifier, challenge } = pkce();
  const params = {
    client_id: 'lifescore-desktop',
    redirect_uri: LOOPBACK_REDIRECT,
    scope: opts.scope ?? ALL_SCOPES,
    state: 's1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  const loc = await authorize(url, params, { username: opts.username ?? 'dana-reyes' });
  const code = loc.searchParams.get('code');
  if (!code) throw new Error(`no code in ${loc}`);
  const t = await tokenRequest(url, {
    grant_type: 'authorization_code',
    client_id: 'lifescore-desktop',
    code,
    redirect_uri: LOOPBACK_REDIRECT,
    code_verifier: verifier,
  });
  if (t.status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(t.body)}`);
  return t.body as { access_token: string; refresh_token: string; expires_in: number; scope: string };
}

/** Calls the v2 API with a bearer token and the right cal-api-version for the path. */
export async function api(
  url: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const version = path.startsWith('/v2/event-types')
    ? '2024-06-14'
    : path.startsWith('/v2/bookings')
      ? '2024-08-13'
      : undefined;
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(version ? { 'cal-api-version': version } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as any };
}

/** A Monday 15:00 UTC (09:00 Chicago in winter, 10:00 in summer) at least `weeksAhead` weeks from now. */
export function futureWeekdayAt(hourUtc: number, weeksAhead = 1, dayOffset = 0): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 7 * weeksAhead + ((8 - d.getUTCDay()) % 7) + dayOffset);
  d.setUTCHours(hourUtc, 0, 0, 0);
  return d.toISOString();
}
