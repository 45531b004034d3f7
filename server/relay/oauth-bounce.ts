import { randomBytes } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import helmet from 'helmet';

const PASSED = ['code', 'state', 'error', 'error_description'] as const;
const MAX_PARAM = 2048;

/** HTML-escapes text for element content and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The app deep link carrying only the OAuth result parameters; undefined when there is nothing to hand on. */
export function bounceTarget(scheme: string, query: Record<string, unknown>): string | undefined {
  const params = new URLSearchParams();
  for (const key of PASSED) {
    const v = query[key];
    if (typeof v === 'string' && v.length > 0 && v.length <= MAX_PARAM) params.set(key, v);
  }
  if (!params.has('code') && !params.has('error')) return undefined;
  return `${scheme}://calcom/callback?${params.toString()}`;
}

function page(nonce: string, title: string, text: string, target?: string): string {
  const link = target
    ? `<p><a id="open" class="button" href="${escapeHtml(target)}">Open LifeScore Consultant</a></p>
<p class="hint">If nothing happens, press the button. You can close this tab afterwards.</p>
<script nonce="${nonce}">window.location.replace(document.getElementById('open').href);</script>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style nonce="${nonce}">body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2933}
.button{display:inline-block;padding:.75rem 1.25rem;border-radius:.5rem;background:#2f6f5e;color:#fff;text-decoration:none;font-weight:600}
.button:focus{outline:3px solid #f0b429;outline-offset:2px}.hint{color:#52606d;font-size:.9rem}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${link}</main></body></html>`;
}

/** GET /oauth/calcom/callback — hands code/state (or error) to the desktop app's custom scheme. Nothing is logged. */
export function oauthBounceRouter(appScheme: string): Router {
  const router = Router();
  const nonce: RequestHandler = (_req, res, next) => {
    res.locals.nonce = randomBytes(16).toString('base64');
    next();
  };
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: [(_req, res) => `'nonce-${(res as unknown as { locals: { nonce: string } }).locals.nonce}'`],
        styleSrc: [(_req, res) => `'nonce-${(res as unknown as { locals: { nonce: string } }).locals.nonce}'`],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
  });
  router.get('/oauth/calcom/callback', nonce, headers, (req, res) => {
    res.set('Cache-Control', 'no-store');
    const target = bounceTarget(appScheme, req.query as Record<string, unknown>);
    const n = res.locals.nonce as string;
    if (!target) {
      res
        .status(400)
        .type('html')
        .send(
          page(
            n,
            'Sign-in link incomplete',
            'This page expects the answer from Cal.com. Start connecting again from LifeScore Consultant.',
          ),
        );
      return;
    }
    const denied = typeof req.query.error === 'string';
    const text = denied
      ? 'Cal.com did not grant access. Return to LifeScore Consultant to see why.'
      : 'Returning you to LifeScore Consultant to finish connecting Cal.com.';
    res
      .status(200)
      .type('html')
      .send(page(n, denied ? 'Connection not completed' : 'Almost done', text, target));
  });
  return router;
}
