import http from 'node:http';
import https from 'node:https';

/** What a GET answered: its status and, for a 200, the body as text. */
export type GetResult =
  | { readonly kind: 'answered'; readonly status: number; readonly body: string }
  | { readonly kind: 'failed'; readonly reason: 'timed out' | 'not reachable' | 'too large' };

/**
 * One GET over node:http(s), for the relay's only outgoing call (Cal.com's /v2/me). Not fetch: Node's fetch brings
 * its own HTTP stack into a process that never needed it, ~7 MB of RSS for as long as the relay runs against
 * ~1 MB for https (issue 18, RSS idle). Redirects are not followed (the caller sees the 3xx); a body past `maxBytes`
 * or a request past `timeoutMs` (connect to last byte) fails.
 */
export function httpsGet(
  url: string,
  headers: Readonly<Record<string, string>>,
  opts: { readonly timeoutMs: number; readonly maxBytes: number },
): Promise<GetResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: GetResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, { headers }, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) return done({ kind: 'answered', status, body: '' });
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.byteLength;
        if (bytes > opts.maxBytes) done({ kind: 'failed', reason: 'too large' });
        else chunks.push(chunk);
      });
      res.on('end', () => done({ kind: 'answered', status, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => done({ kind: 'failed', reason: 'not reachable' }));
    });
    req.on('error', () => done({ kind: 'failed', reason: 'not reachable' }));
    const timer = setTimeout(() => done({ kind: 'failed', reason: 'timed out' }), opts.timeoutMs);
  });
}
