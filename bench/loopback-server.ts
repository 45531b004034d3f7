import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Serves `server` on a free loopback port; close() also ends the keep-alive connections the load left open. */
export function listenOnLoopback(server: http.Server): Promise<{ url: string; close: () => Promise<void> }> {
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      }),
    ),
  );
}
