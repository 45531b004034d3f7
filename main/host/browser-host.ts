import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { apiMethods } from '../../common/api';
import type { PushEvent } from '../../common/api';
import type { ApiResponse } from '../../common/errors';
import type { AppCore } from '../core/ports';
import { dispatchApiCall, isApiMethod } from '../core/api-dispatch';
import { createEventStreamHub } from './event-stream';
import { HOST_KEY_HEADER, renderHostBridgeScript } from './host-bridge-script';
import { HOST_BRIDGE_PATH, loadRendererPage } from './renderer-page';
import { isAllowedFetchSite, isAllowedHost, isAllowedOrigin, isStrongSecret, secretMatches } from './request-guard';

export interface BrowserHostOptions {
  readonly core: AppCore;
  /** The built renderer (out/renderer), with its index.html. */
  readonly rendererDir: string;
  /** Loopback only: the host drives the consultant's data and must never be reachable from the network. */
  readonly host?: '127.0.0.1';
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Per-run key (≥128 bits, base64url); random when not given. */
  readonly secret?: string;
  /** Largest JSON body a bridge call may send. */
  readonly bodyLimit?: string;
}

export interface BrowserHost {
  /** The URL to open: `http://127.0.0.1:<port>/?k=<secret>`. */
  readonly url: string;
  readonly port: number;
  /** Sends an event to every open page (the CLI turns desktop notifications into toasts this way). */
  push(event: PushEvent): void;
  close(): Promise<void>;
}

/** A JSON error in the bridge's own shape. */
function refuse(
  res: Response,
  status: number,
  code: 'forbidden' | 'bad_input' | 'not_found' | 'internal',
  message: string,
): void {
  const body: ApiResponse<never> = { ok: false, error: { code, message } };
  res.status(status).json(body);
}

/**
 * Starts the browser host: the same core as Electron, the same renderer, with `window.lifescore` provided by
 * `/host-bridge.js` over `POST /bridge/<method>` and SSE `GET /bridge/events` (DESIGN.md §2, "host/").
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { core } = options;
  const listenHost = options.host ?? '127.0.0.1';
  if (listenHost !== '127.0.0.1') throw new Error('The browser host listens on 127.0.0.1 only');
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  if (!isStrongSecret(secret))
    throw new Error('The browser host secret must be at least 22 base64url characters (128 bits)');
  const rendererDir = resolve(options.rendererDir);
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`No built renderer in ${rendererDir} (index.html missing): run \`npm run build\` first`);
  }

  const hub = createEventStreamHub();
  const bridgeScript = renderHostBridgeScript(apiMethods);
  let port = 0;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // /bridge is /bridge: express matches routes without regard to case by default, so /BRIDGE/getState reached the
  // bridge while the guard below, comparing paths as written, took it for a page (security review 42).
  app.set('case sensitive routing', true);

  // Every request: our own Host (DNS rebinding) and our own Origin or none (CSRF). The bridge also refuses
  // anything a browser marks as coming from another site; pages stay reachable by links (the sandbox's
  // "return to LifeScore" page is same-site on another port), they carry no secret.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const site = req.headers['sec-fetch-site'];
    const bridge = req.path === '/bridge' || req.path.startsWith('/bridge/');
    const siteOk = !bridge || isAllowedFetchSite(typeof site === 'string' ? site : undefined);
    if (!isAllowedHost(req.headers.host, port) || !isAllowedOrigin(req.headers.origin, port) || !siteOk) {
      refuse(res, 403, 'forbidden', 'This address only answers the LifeScore page it serves.');
      return;
    }
    res.setHeader('x-content-type-options', 'nosniff');
    // The page URL carries the key until the bridge strips it; never send it to other sites as a Referer.
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('cross-origin-resource-policy', 'same-origin');
    next();
  });

  app.get('/bridge/events', (req: Request, res: Response) => {
    const presented = typeof req.query.k === 'string' ? req.query.k : undefined;
    if (!secretMatches(presented, secret)) {
      refuse(res, 403, 'forbidden', 'Missing or wrong app key.');
      return;
    }
    // A fresh stream starts with the current state, so a page that reconnects after a gap catches up.
    core.handlers
      .getState({})
      .then(
        (state): PushEvent[] => [{ type: 'state', state }],
        (): PushEvent[] => [],
      )
      .then((first) => {
        if (!res.destroyed) hub.attach(res, first);
      });
  });

  // Every call under /bridge needs the key before anything else answers, so no path (not even one a client
  // normalizes, like /bridge/.) tells a keyless caller more than 403.
  app.post(['/bridge', '/bridge/*rest'], (req: Request, res: Response, next: NextFunction) => {
    const presented = req.headers[HOST_KEY_HEADER];
    if (!secretMatches(typeof presented === 'string' ? presented : undefined, secret)) {
      refuse(res, 403, 'forbidden', 'Missing or wrong app key. Open the link the app printed when it started.');
      return;
    }
    next();
  });

  app.post(
    '/bridge/:method',
    (req: Request, res: Response, next: NextFunction) => {
      if (!req.is('application/json')) {
        refuse(res, 400, 'bad_input', 'Bridge calls send JSON (content-type: application/json).');
        return;
      }
      res.setHeader('cache-control', 'no-store');
      next();
    },
    express.json({ limit: options.bodyLimit ?? '1mb', strict: false }),
    async (req: Request, res: Response) => {
      const method = String(req.params.method);
      if (!isApiMethod(method)) {
        refuse(res, 404, 'not_found', `Unknown API method "${method.slice(0, 60)}".`);
        return;
      }
      const response = await dispatchApiCall(core.handlers, method, req.body);
      res.status(!response.ok && response.error.code === 'bad_input' ? 400 : 200).json(response);
    },
  );

  app.get(HOST_BRIDGE_PATH, (_req: Request, res: Response) => {
    res.type('application/javascript').setHeader('cache-control', 'no-store');
    res.send(bridgeScript);
  });

  app.get(['/', '/index.html'], async (_req: Request, res: Response, next: NextFunction) => {
    try {
      const page = await loadRendererPage(rendererDir);
      res.type('html').setHeader('cache-control', 'no-store');
      res.setHeader('content-security-policy', page.csp);
      res.send(page.html);
    } catch (err) {
      next(err);
    }
  });

  app.use(express.static(rendererDir, { index: false, dotfiles: 'ignore', fallthrough: true }));

  app.use((_req: Request, res: Response) => refuse(res, 404, 'not_found', 'Not found.'));

  // body-parser errors (malformed JSON, too large) and anything unexpected: a typed error, never a stack.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    if (status === 400) refuse(res, 400, 'bad_input', 'The request body is not valid JSON.');
    else if (status === 413) refuse(res, 413, 'bad_input', 'The request body is too large.');
    else refuse(res, 500, 'internal', 'Something went wrong inside the app. Details are in the log.');
  });

  const server = await new Promise<Server>((resolveListen, rejectListen) => {
    const s = app.listen(options.port ?? 0, listenHost, (err?: Error) => (err ? rejectListen(err) : resolveListen(s)));
  });
  port = (server.address() as AddressInfo).port;

  const unsubscribe = core.onEvent((event) => hub.broadcast(event));

  let closing: Promise<void> | undefined;
  return {
    url: `http://${listenHost}:${port}/?k=${secret}`,
    port,
    push: (event) => hub.broadcast(event),
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        unsubscribe();
        hub.closeAll();
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
