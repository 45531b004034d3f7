import type http from 'node:http';
import type { Socket } from 'node:net';

/**
 * Tracks each connection's in-flight requests so that shutdown can close every connection that is not serving
 * one (including sockets that never sent a request, which server.closeIdleConnections() leaves open).
 */
export function trackConnections(server: http.Server): { closeIdle(): void } {
  const active = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    active.set(socket, 0);
    socket.once('close', () => active.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    active.set(socket, (active.get(socket) ?? 0) + 1);
    res.once('close', () => {
      if (active.has(socket)) active.set(socket, Math.max(0, (active.get(socket) ?? 1) - 1));
    });
  });
  return {
    closeIdle() {
      for (const [socket, n] of active) if (n === 0) socket.destroy();
    },
  };
}
