import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppFailure } from '../../../common/errors';
import { OAUTH_CALLBACK_PATH } from '../../../common/deep-link';
import type { Logger } from '../ports';

/** What the callback handler made of a URL, to choose the page the browser shows. */
export type LoopbackOutcome = 'accepted' | 'ignored';

export interface LoopbackServer {
  readonly port: number;
  close(): Promise<void>;
}

export interface LoopbackServerOptions {
  readonly port: number;
  /** Gets the full callback URL (http://127.0.0.1:<port>/calcom/callback?…), same handler as deep links. */
  readonly onCallback: (url: string) => Promise<LoopbackOutcome>;
  readonly logger: Logger;
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<meta name="viewport" content="width=device-width,initial-scale=1"></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;text-align:center">` +
  `<h1 style="font-size:1.4rem">${title}</h1><p>${text}</p></body></html>`;

/**
 * Redirect form (c) of DESIGN.md §3: listens on 127.0.0.1 only, on the redirect URI's fixed port, while a flow is
 * pending. Checks Host (DNS rebinding), answers a small page and closes after the callback it was waiting for.
 */
export async function startLoopbackServer(opts: LoopbackServerOptions): Promise<LoopbackServer> {
  // node:http is loaded here, by the first connect, rather than at app start (issue 10); nothing else at start needs it.
  const { createServer } = await import('node:http');
  let closing = false;
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      opts.logger.error('loopback callback failed', { err: String(err) });
      if (!res.headersSent)
        reply(res, 500, PAGE('Something went wrong', 'Return to LifeScore Consultant and try again.'));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${actualPort()}`)
      return reply(res, 421, PAGE('Wrong address', 'This page only answers on 127.0.0.1.'));
    if (req.method !== 'GET') return reply(res, 405, PAGE('Not allowed', ''));
    // Only a path may follow our host: an absolute-form target (`GET http://x/…`) or `//x`, `@x` would make another
    // URL of it, or none (it threw: 500; security review 42).
    const target = req.url ?? '/';
    if (!target.startsWith('/') || target.startsWith('//')) return reply(res, 400, PAGE('Bad request', ''));
    const url = `http://${host}${target}`;
    if (new URL(url).pathname !== OAUTH_CALLBACK_PATH) return reply(res, 404, PAGE('Not found', ''));
    const outcome = await opts.onCallback(url);
    if (outcome === 'ignored') {
      return reply(
        res,
        400,
        PAGE('This sign-in link is no longer valid', 'Return to LifeScore Consultant and click Connect again.'),
      );
    }
    reply(res, 200, PAGE('You can close this tab', 'You can close this tab and return to LifeScore Consultant.'));
    // The flow is over: stop listening once this answer is out.
    res.on('finish', () => void close());
  }

  function actualPort(): number {
    const addr = server.address();
    return typeof addr === 'object' && addr ? addr.port : opts.port;
  }

  function close(): Promise<void> {
    if (closing) return Promise.resolve();
    closing = true;
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new AppFailure(
              'internal',
              `Port ${opts.port} on 127.0.0.1 is in use by another program, so the Cal.com sign-in cannot come back. Close that program and try again.`,
            )
          : new AppFailure('internal', `Could not listen on 127.0.0.1:${opts.port} for the Cal.com sign-in.`, {
              cause: err,
            }),
      );
    });
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  return { port: actualPort(), close };
}

function reply(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}
