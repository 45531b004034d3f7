import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ipKey } from './rate-limits';

/**
 * Caps open TCP connections per remote address: a client that opens more is cut at accept, before it can hold a
 * request slot (slowloris spreads its slow requests over many connections; header timeouts alone only bound each one).
 * An IPv6 peer counts by its /56, as the rate limits do: one host is routinely given a whole /64 or more and could
 * open each connection from another address. Counts the direct peer, so behind a reverse proxy it limits the proxy:
 * raise it there or set 0 (no cap).
 */
export function capConnectionsPerIp(
  server: Server,
  max: number,
  onRejected: (address: string) => void = () => undefined,
): { open(address: string): number } {
  const open = new Map<string, number>();
  if (max > 0) {
    server.on('connection', (socket: Socket) => {
      const address = ipKey(socket.remoteAddress);
      const n = open.get(address) ?? 0;
      if (n >= max) {
        onRejected(address);
        socket.destroy();
        return;
      }
      open.set(address, n + 1);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left <= 0) open.delete(address);
        else open.set(address, left);
      });
    });
  }
  return { open: (address) => open.get(address) ?? 0 };
}
