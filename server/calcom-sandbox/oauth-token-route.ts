import { json, Router, urlencoded, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { SandboxContext } from './context';
import { OAuthError, type TokenGrant } from './token-service';

const str = z.string().min(1).max(4096);
// OAuth2ExchangePublicInput / OAuth2ExchangeConfidentialInput: the body is confidential iff it has client_secret.
const publicCode = z.strictObject({
  grant_type: z.literal('authorization_code'),
  client_id: str,
  code: str,
  redirect_uri: str,
  code_verifier: str,
});
const confidentialCode = publicCode.extend({ code_verifier: str.optional(), client_secret: str });
const publicRefresh = z.strictObject({ grant_type: z.literal('refresh_token'), client_id: str, refresh_token: str });
const confidentialRefresh = publicRefresh.extend({ client_secret: str });
type TokenBody =
  | z.infer<typeof publicCode>
  | z.infer<typeof confidentialCode>
  | z.infer<typeof publicRefresh>
  | z.infer<typeof confidentialRefresh>;

function sendOAuth(
  res: Response,
  status: number,
  body: TokenGrant | { error: string; error_description: string },
): void {
  // RFC 6749 §5.1: token responses must not be cached.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.status(status).json(body);
}

/**
 * Strict validation in the order of Cal.com's token.input.pipe.ts (whitelist + forbidNonWhitelisted): every problem,
 * including an unknown grant_type, is 400 invalid_request.
 */
function parseBody(body: unknown): TokenBody {
  if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0)
    throw new OAuthError('invalid_request', 'Body is required');
  const raw = body as Record<string, unknown>;
  if (!raw.client_id || typeof raw.client_id !== 'string')
    throw new OAuthError('invalid_request', 'client_id is required');
  const confidential = 'client_secret' in raw;
  const schema =
    raw.grant_type === 'authorization_code'
      ? confidential
        ? confidentialCode
        : publicCode
      : raw.grant_type === 'refresh_token'
        ? confidential
          ? confidentialRefresh
          : publicRefresh
        : undefined;
  if (!schema) throw new OAuthError('invalid_request', "grant_type must be 'authorization_code' or 'refresh_token'");
  const r = schema.safeParse(body);
  if (!r.success) {
    // class-validator style: "<property> property is wrong,<constraint>"
    const msg = r.error.issues
      .map((i) =>
        i.code === 'unrecognized_keys'
          ? i.keys.map((k) => `${k} property is wrong,property ${k} should not exist`).join(', ')
          : `${i.path.join('.')} property is wrong,${i.message}`,
      )
      .join(', ');
    throw new OAuthError('invalid_request', msg);
  }
  return r.data;
}

/** POST /v2/auth/oauth2/token: authorization_code (PKCE) and refresh_token (rotating), JSON or form body. */
export function tokenRoute(ctx: SandboxContext): Router {
  const r = Router();
  const onParseError: ErrorRequestHandler = (_err, _req, res, _next) =>
    sendOAuth(res, 400, { error: 'invalid_request', error_description: 'Malformed request body' });
  const handle: RequestHandler = (req, res) => {
    try {
      const body = parseBody(req.body);
      const client = ctx.clients.get(body.client_id);
      if (!client) throw new OAuthError('invalid_client', 'client_not_found');
      // OAuthService.validateClient only checks secrets of CONFIDENTIAL clients; a public client's client_secret is ignored.
      const grant =
        body.grant_type === 'authorization_code'
          ? ctx.tokens.exchangeCode(client, {
              code: body.code,
              redirectUri: body.redirect_uri,
              ...(body.code_verifier ? { codeVerifier: body.code_verifier } : {}),
            })
          : ctx.tokens.refresh(client, body.refresh_token);
      ctx.options.logger.info({ grant: body.grant_type, client: client.clientId }, 'tokens issued');
      sendOAuth(res, 200, grant);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      ctx.options.logger.info({ error: err.error, description: err.message }, 'token request refused');
      sendOAuth(res, err.status, { error: err.error, error_description: err.message });
    }
  };
  r.post(
    '/v2/auth/oauth2/token',
    json({ limit: '20kb' }),
    urlencoded({ extended: false, limit: '20kb' }),
    handle,
    onParseError,
  );
  return r;
}
