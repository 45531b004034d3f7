import { request } from 'node:http';
import { connect } from 'node:net';

/** Test support: HTTP requests with exactly the headers and bytes given (fetch would normalise or refuse some). */

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request on a fresh connection; resolves status 0 when the server closed it without an answer. */
export function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      { host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method, agent: false, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }));
      },
    );
    req.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
    req.setTimeout(10_000, () => req.destroy());
    req.end(body);
  });
}

/** Writes arbitrary bytes to the port and returns what came back before the server closed (or `ms` passed). */
export function rawSocket(url: string, bytes: Buffer, ms = 3_000): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port), u.hostname);
    let got = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (c: Buffer) => (got += c.toString('latin1')));
    socket.on('close', done);
    socket.on('error', done);
    socket.on('connect', () => socket.end(bytes));
  });
}
