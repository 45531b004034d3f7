import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RelayConfig } from './config';
import { capConnectionsPerIp } from './connection-cap';
import { trackConnections } from './connection-tracker';

/** A listening relay server and its two-step shutdown (see stopAccepting). */
export interface RunningServer {
  /** Base URL it listens on (the real port when asked for port 0). */
  readonly url: string;
  /**
   * Stops accepting connections at once. The returned finish() then closes connections as their last response
   * ends and cuts whatever is still open after graceMs; it resolves once the server has closed. Two steps so the
   * relay can end streams and drain its committer in between, while in-flight ingests still get their answer.
   */
  stopAccepting(): { finish(graceMs: number): Promise<void> };
}

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  readonly http: RelayConfig['http'];
  /** A connection from an address already holding maxConnectionsPerIp was refused. */
  readonly onRefused: (address: string) => void;
}

function formatUrl(host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/** Starts the HTTP server with the relay's slow-client guards and listens; resolves once it accepts connections. */
export async function startHttpServer(listener: http.RequestListener, o: ServerOptions): Promise<RunningServer> {
  // Node checks header/request deadlines only every connectionsCheckingInterval (default 30 s): check often
  // enough that a slowloris client is cut close to the configured deadline.
  const checkEvery = Math.max(100, Math.min(5_000, Math.floor(o.http.headersTimeoutMs / 4)));
  const srv = http.createServer({ connectionsCheckingInterval: checkEvery }, listener);
  capConnectionsPerIp(srv, o.http.maxConnectionsPerIp, o.onRefused);
  const connections = trackConnections(srv);
  // Slow-loris guard for ingest; streams disable the socket timeout themselves.
  srv.headersTimeout = o.http.headersTimeoutMs;
  srv.requestTimeout = o.http.requestTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(o.port, o.host, () => {
      srv.off('error', reject);
      resolve();
    });
  });
  return {
    url: formatUrl(o.host, (srv.address() as AddressInfo).port),
    stopAccepting() {
      const closed = new Promise<void>((r) => srv.close(() => r()));
      return {
        async finish(graceMs) {
          // Connections become idle as their last response finishes; keep closing them until none is left, and
          // cut whatever is still open after the grace period.
          connections.closeIdle();
          const idle = setInterval(() => connections.closeIdle(), 50);
          const force = setTimeout(() => srv.closeAllConnections(), graceMs);
          await closed;
          clearInterval(idle);
          clearTimeout(force);
        },
      };
    },
  };
}
