import type { IncomingMessage } from 'node:http';
import type { Express } from 'express';
import proxyaddr from 'proxy-addr';

type TrustFn = (addr: string, hop: number) => boolean;

/**
 * The client address exactly as express's `req.ip` computes it — proxy-addr with the app's own compiled
 * 'trust proxy fn', read per call as req.ip does — for handlers that never turn a request into an express one.
 * Reusing the compiled setting, rather than compiling RELAY_TRUST_PROXY again, keeps one meaning of it for both paths.
 */
export function clientIpResolver(app: Express): (req: IncomingMessage) => string | undefined {
  return (req) => proxyaddr(req, app.get('trust proxy fn') as TrustFn);
}
