import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import Fastify from 'fastify';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';

/**
 * The ingest bench's peer: the request path of smee.io's server (github.com/probot/smee.io, lib/server.js and
 * lib/event-bus.js, as of 2026-12), rebuilt with the same framework and plugins because smee.io is not published as a
 * package. Issue 18 anchors its throughput target on where smee.io stands ("≥ 0.5× the bare server: that is where
 * smee.io stands, with no durability at all"), a ratio measured there with another load generator. This puts smee.io's
 * path under this bench's own load, so the relay is compared with its peer in the same run.
 *
 * Kept as smee.io runs without Redis: fastify with its request logger (two lines per request, here into the same
 * discarding sink as the relay's log), @fastify/cors (origin *), @fastify/helmet (no CSP), the POST route's JSON
 * schemas (channel pattern, GitHub headers, an object body), and an in-memory EventEmitter that hands each event to
 * the channel's SSE subscribers as `JSON.stringify({ ...headers, body, query, timestamp })`. Left out: Swagger and the
 * static pages (they add routes, not work on this one), Sentry (off unless SENTRY_DSN is set).
 */
export async function startSmeePeer(logSink: Writable): Promise<{ url: string; close: () => Promise<void> }> {
  const fastify = Fastify({ logger: { level: 'info', stream: logSink } });
  await fastify.register(fastifyCors, { origin: '*' });
  await fastify.register(fastifyHelmet, { contentSecurityPolicy: false });
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const channelParams = {
    type: 'object',
    properties: { channel: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9-_]+$' } },
  } as const;

  fastify.get<{ Params: { channel: string } }>('/:channel', { schema: { params: channelParams } }, (req, reply) => {
    const { channel } = req.params;
    reply.raw.socket?.setTimeout(0);
    reply.raw.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    let id = 0;
    const send = (payload: unknown) => reply.raw.write(`id: ${id++}\ndata: ${JSON.stringify(payload)}\n\n`);
    bus.on(channel, send);
    reply.raw.on('close', () => bus.removeListener(channel, send));
    reply.raw.write(`id: ${id++}\nevent: ready\ndata: {}\n\n`);
  });

  fastify.post<{ Params: { channel: string } }>(
    '/:channel',
    {
      schema: {
        params: channelParams,
        headers: {
          type: 'object',
          properties: {
            'x-github-event': { type: 'string' },
            'x-github-delivery': { type: 'string', format: 'uuid' },
            'x-hub-signature-256': { type: 'string', pattern: '^sha256=[a-f0-9]{64}$' },
          },
          additionalProperties: { type: 'string' },
        },
        body: { type: 'object' },
      },
    },
    async (req, reply) => {
      bus.emit(req.params.channel, { ...req.headers, body: req.body, query: req.query, timestamp: Date.now() });
      return reply.status(200).send();
    },
  );

  const url = await fastify.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    close: async () => {
      // Open SSE responses would hold close() forever; the bench's stop ends every connection, as for the others.
      const closed = fastify.close();
      fastify.server.closeAllConnections();
      await closed;
    },
  };
}
