import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startLoopbackServer } from './loopback-server';
import type { LoopbackOutcome } from './loopback-server';

const logger = { info: () => {}, warn: () => {}, error: () => {} };

function get(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function start(outcomes: LoopbackOutcome[]) {
  const seen: string[] = [];
  const server = await startLoopbackServer({
    port: 0,
    logger,
    onCallback: async (url) => {
      seen.push(url);
      return outcomes.shift() ?? 'accepted';
    },
  });
  return { server, seen };
}

describe('startLoopbackServer', () => {
  it('hands the callback URL over, shows the close-this-tab page, then stops listening', async () => {
    const { server, seen } = await start(['accepted']);
    const res = await get(server.port, '/calcom/callback?code=abc&state=xyz');
    expect(res.status).toBe(200);
    expect(res.body).toContain('You can close this tab and return to LifeScore Consultant');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(seen).toEqual([`http://127.0.0.1:${server.port}/calcom/callback?code=abc&state=xyz`]);
    await new Promise((r) => setTimeout(r, 50));
    await expect(get(server.port, '/calcom/callback')).rejects.toThrow();
  });

  it('rejects a foreign Host (DNS rebinding) without calling the handler', async () => {
    const { server, seen } = await start([]);
    try {
      expect((await get(server.port, '/calcom/callback?code=a&state=b', `evil.example:${server.port}`)).status).toBe(
        421,
      );
      expect((await get(server.port, '/calcom/callback?code=a&state=b', `localhost:${server.port}`)).status).toBe(421);
      expect(seen).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('404s other paths and keeps listening after an ignored callback', async () => {
    const { server, seen } = await start(['ignored', 'accepted']);
    try {
      expect((await get(server.port, '/favicon.ico')).status).toBe(404);
      expect((await get(server.port, '/calcom/callback?state=old')).status).toBe(400);
      expect((await get(server.port, '/calcom/callback?state=new')).status).toBe(200);
      expect(seen).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('answers 400 to a request target that is not a plain path, without calling the handler (security review 42)', async () => {
    const { server, seen } = await start([]);
    try {
      for (const target of ['http://x/calcom/callback?code=a&state=b', '//evil/calcom/callback', '*']) {
        expect((await get(server.port, target)).status, target).toBe(400);
      }
      expect(seen).toEqual([]);
      expect((await get(server.port, '/calcom/callback?state=s')).status).toBe(200); // still listening
    } finally {
      await server.close();
    }
  });

  it('binds 127.0.0.1 only', async () => {
    const { server } = await start([]);
    try {
      await expect(get(server.port, '/calcom/callback').then(() => 'ok')).resolves.toBe('ok');
      // Another interface of this machine must not reach it: ::1 is not 127.0.0.1.
      await expect(
        new Promise((resolve, reject) => {
          const req = request({ host: '::1', port: server.port, path: '/' }, resolve);
          req.on('error', reject);
          req.end();
        }),
      ).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it('reports a busy port clearly', async () => {
    const { server } = await start([]);
    try {
      await expect(
        startLoopbackServer({ port: server.port, logger, onCallback: async () => 'accepted' }),
      ).rejects.toThrow(/in use/);
    } finally {
      await server.close();
    }
  });
});
