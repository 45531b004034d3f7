import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { capConnectionsPerIp } from './connection-cap';

/**
 * The counting, with sockets from several IPv6 addresses, which loopback cannot produce (tests/security/
 * slow-clients.test.ts shows the cap over real TCP). The server and sockets are the two events the cap listens to.
 */
function fakeSocket(remoteAddress: string) {
  const socket = Object.assign(new EventEmitter(), { remoteAddress, destroyed: false });
  return Object.assign(socket, { destroy: () => ((socket.destroyed = true), socket.emit('close')) });
}

describe('capConnectionsPerIp', () => {
  it('counts an IPv6 peer by its /56, so a host cannot spread connections over its own prefix', () => {
    const server = new EventEmitter();
    const refused: string[] = [];
    capConnectionsPerIp(server as Server, 2, (a) => refused.push(a));
    const connect = (address: string) => {
      const s = fakeSocket(address);
      server.emit('connection', s as unknown as Socket);
      return s;
    };
    const first = connect('2001:db8:7:1::1');
    connect('2001:db8:7:2::1');
    const third = connect('2001:db8:7:3::9');
    expect(third.destroyed).toBe(true);
    expect(refused).toHaveLength(1);
    expect(connect('2001:db8:8::1').destroyed).toBe(false); // another /56
    first.destroy();
    expect(connect('2001:db8:7:4::1').destroyed).toBe(false); // a slot came back when one closed
  });
});
