import { Router, urlencoded, type Response } from 'express';
import { z } from 'zod';
import type { SandboxContext } from './context';
import { html, page } from './html';
import { parseScopeParam, type OAuthClient } from './oauth-clients';

const paramsSchema = z.object({
  client_id: z.string().optional(),
  redirect_uri: z.string().optional(),
  state: z.string().max(2000).optional(),
  scope: z.string().max(2000).optional(),
  code_challenge: z.string().max(200).optional(),
  code_challenge_method: z.string().max(20).optional(),
  response_type: z.string().optional(),
});
type AuthorizeParams = z.infer<typeof paramsSchema>;

type Checked =
  | { kind: 'page-error'; title: string; message: string }
  | { kind: 'redirect-error'; redirectUri: string; error: string; description: string; state?: string }
  | { kind: 'ok'; client: OAuthClient; redirectUri: string; scopes: string[]; codeChallenge: string; state?: string };

/**
 * The checks of Cal.com's authorize page and OAuthService.generateAuthorizationCode. Client-not-found and
 * redirect-URI mismatch are shown on the page (never redirected to an unverified URI); later problems go back
 * to the client as `error=…&error_description=…`.
 */
export function checkAuthorize(clients: ReadonlyMap<string, OAuthClient>, p: AuthorizeParams): Checked {
  const client = p.client_id ? clients.get(p.client_id) : undefined;
  if (!client)
    return {
      kind: 'page-error',
      title: 'Client not found',
      message: `No OAuth client with id "${p.client_id ?? ''}".`,
    };
  if (!p.redirect_uri || !client.redirectUris.includes(p.redirect_uri)) {
    return {
      kind: 'page-error',
      title: 'Invalid redirect URI',
      message: `The redirect_uri "${p.redirect_uri ?? ''}" is not registered for this client (exact match required).`,
    };
  }
  const fail = (error: string, description: string): Checked => ({
    kind: 'redirect-error',
    redirectUri: p.redirect_uri as string,
    error,
    description,
    ...(p.state !== undefined ? { state: p.state } : {}),
  });
  // error_description carries OAuthService's reason code, as buildErrorRedirectUrl does.
  const scopes = parseScopeParam(p.scope ?? '');
  if (scopes.length === 0) return fail('invalid_scope', 'scope_required');
  if (scopes.some((s) => !client.scopes.includes(s))) return fail('invalid_scope', 'scope_exceeds_client_registration');
  if (!p.code_challenge) return fail('invalid_request', 'pkce_required');
  if (p.code_challenge_method !== 'S256') return fail('invalid_request', 'invalid_code_challenge_method');
  return {
    kind: 'ok',
    client,
    redirectUri: p.redirect_uri,
    scopes: [...new Set(scopes)],
    codeChallenge: p.code_challenge,
    ...(p.state !== undefined ? { state: p.state } : {}),
  };
}

function redirectWith(res: Response, redirectUri: string, params: Record<string, string | undefined>): void {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  res.redirect(303, url.toString());
}

/** GET /auth/oauth2/authorize (consent page) and POST /auth/oauth2/authorize (Allow / Deny). */
export function authorizeRoutes(ctx: SandboxContext): Router {
  const r = Router();

  r.get('/auth/oauth2/authorize', (req, res) => {
    const parsed = paramsSchema.safeParse(req.query);
    const checked = parsed.success
      ? checkAuthorize(ctx.clients, parsed.data)
      : ({ kind: 'page-error', title: 'Invalid request', message: 'Malformed authorization request.' } as const);
    if (checked.kind === 'page-error') {
      res
        .status(400)
        .type('html')
        .send(page(checked.title, html`<h1>${checked.title}</h1><p class="error" role="alert">${checked.message}</p>`));
      return;
    }
    if (checked.kind === 'redirect-error')
      return redirectWith(res, checked.redirectUri, {
        error: checked.error,
        error_description: checked.description,
        state: checked.state,
      });
    const p = parsed.data as AuthorizeParams;
    const hidden = (['client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method'] as const)
      .filter((k) => p[k] !== undefined)
      .map((k) => html`<input type="hidden" name="${k}" value="${p[k]}">`);
    const users = ctx.store.state.users.map((u) => html`<option value="${u.username}">${u.name} (${u.email})</option>`);
    res.type('html').send(
      page(
        'Authorize',
        html`<h1>${checked.client.name} wants to access your Cal.com account</h1>
<form method="post" action="/auth/oauth2/authorize">${hidden}
<label for="username">Sign in as</label><select id="username" name="username">${users}</select>
<fieldset><legend>Requested permissions</legend><ul>${checked.scopes.map((s) => html`<li>${s}</li>`)}</ul></fieldset>
<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button>
</form>`,
      ),
    );
  });

  r.post('/auth/oauth2/authorize', urlencoded({ extended: false, limit: '20kb' }), (req, res) => {
    // Every hidden field is checked again: the form is not trusted more than the original request.
    const parsed = paramsSchema
      .extend({ username: z.string(), decision: z.enum(['allow', 'deny']) })
      .safeParse(req.body ?? {});
    const checked = parsed.success
      ? checkAuthorize(ctx.clients, parsed.data)
      : ({ kind: 'page-error', title: 'Invalid request', message: 'Malformed consent form.' } as const);
    if (checked.kind === 'page-error' || !parsed.success) {
      const c =
        checked.kind === 'page-error' ? checked : { title: 'Invalid request', message: 'Malformed consent form.' };
      res
        .status(400)
        .type('html')
        .send(page(c.title, html`<h1>${c.title}</h1><p class="error" role="alert">${c.message}</p>`));
      return;
    }
    if (checked.kind === 'redirect-error')
      return redirectWith(res, checked.redirectUri, {
        error: checked.error,
        error_description: checked.description,
        state: checked.state,
      });
    if (parsed.data.decision === 'deny')
      return redirectWith(res, checked.redirectUri, { error: 'access_denied', state: checked.state });
    const user = ctx.store.state.users.find((u) => u.username === parsed.data.username);
    if (!user) {
      res
        .status(400)
        .type('html')
        .send(
          page(
            'Unknown user',
            html`<h1>Unknown user</h1><p class="error" role="alert">No sandbox user ${parsed.data.username}.</p>`,
          ),
        );
      return;
    }
    const code = ctx.tokens.issueCode({
      clientId: checked.client.clientId,
      userId: user.id,
      scopes: checked.scopes,
      redirectUri: checked.redirectUri,
      codeChallenge: checked.codeChallenge,
    });
    ctx.options.logger.info({ user: user.username, client: checked.client.clientId }, 'authorization code issued');
    redirectWith(res, checked.redirectUri, { code, state: checked.state });
  });

  return r;
}
