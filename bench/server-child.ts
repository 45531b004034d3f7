import http from 'node:http';
import { appendFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { listenOnLoopback } from './loopback-server';
import { traceMemory } from './memory-trace';

/**
 * The server under test, in a process of its own so the load generator and the clients never share its event
 * loop (on a 2-core machine they would otherwise measure each other). Driven over IPC by server-process.ts:
 * `relay` is the real relay; `bare` is the baseline: a plain node:http server that reads the body and answers 200,
 * and a minimal in-memory SSE fan-out with no auth, storage or framing beyond `data:`; `floor` is the durable floor
 * (durable-floor-server.ts; BENCH_FLOOR_SECRET, BENCH_FLOOR_CHANNELS comma-separated, and BENCH_FLOOR_FILE for SQLite
 * or BENCH_FLOOR_DATABASE_URL for PostgreSQL); `smee` is the peer, smee.io's request path (smee-peer-server.ts).
 */

type Command = { type: 'memory' } | { type: 'usage'; id?: number } | { type: 'stop' };

const mode = process.argv[2];
const send = (msg: unknown) => process.send?.(msg);

/**
 * A log sink that keeps the relay's per-request JSON logging (its cost is part of serving) but not the I/O; with
 * BENCH_RELAY_WARNINGS=<file>, the relay's warnings and errors (pino levels 40 and up) are appended to that file.
 */
const warningsFile = process.env.BENCH_RELAY_WARNINGS;
const discard = new Writable({
  write: (chunk: Buffer, _enc, cb) => {
    if (warningsFile && /"level":[4-6]0/.test(chunk.toString())) appendFileSync(warningsFile, chunk);
    cb();
  },
});

function startBare(): Promise<{ url: string; close: () => Promise<void> }> {
  const streams = new Map<string, Set<http.ServerResponse>>();
  const server = http.createServer((req, res) => {
    const id = (req.url ?? '/').split('?')[0]?.split('/')[2] ?? '';
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('event: ready\ndata: {}\n\n');
      let set = streams.get(id);
      if (!set) streams.set(id, (set = new Set()));
      set.add(res);
      res.on('close', () => set.delete(res));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      for (const s of streams.get(id) ?? []) s.write(`data: ${body.toString('utf8')}\n\n`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  return listenOnLoopback(server);
}

async function startRelay(): Promise<{ url: string; close: () => Promise<void> }> {
  // Loaded only in relay mode: the bare baseline is a node:http server and nothing else (its RSS is a baseline too).
  const { createRelay, loadRelayConfig } = await import('../server/relay/index');
  // As server/relay/cli.ts starts the relay in production.
  const { tuneRelayHeap } = await import('../server/relay/heap-tuning');
  tuneRelayHeap();
  const relay = createRelay(loadRelayConfig(process.env), { logDestination: discard });
  const url = await relay.start();
  return { url, close: () => relay.stop() };
}

async function startFloor(): Promise<{ url: string; close: () => Promise<void> }> {
  const { startDurableFloor } = await import('./durable-floor-server');
  const env = (name: string) => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is required in floor mode`);
    return v;
  };
  const databaseUrl = process.env.BENCH_FLOOR_DATABASE_URL;
  // Opened as the relay opens its event log on each engine (the PostgreSQL store keeps a connection for appends).
  const store = databaseUrl
    ? await (await import('../server/relay/store/postgres/postgres-store')).openPostgresStore(databaseUrl)
    : (await import('../server/relay/store/sqlite/sqlite-store')).openSqliteStore(env('BENCH_FLOOR_FILE'));
  return startDurableFloor(store, env('BENCH_FLOOR_SECRET'), env('BENCH_FLOOR_CHANNELS').split(','));
}

async function startPeer(): Promise<{ url: string; close: () => Promise<void> }> {
  const { startSmeePeer } = await import('./smee-peer-server');
  return startSmeePeer(discard);
}

const starters: Record<string, () => Promise<{ url: string; close: () => Promise<void> }>> = {
  relay: startRelay,
  floor: startFloor,
  smee: startPeer,
};
const server = await (starters[mode ?? ''] ?? startBare)();
traceMemory(process.env.BENCH_MEMORY_TRACE, mode ?? 'bare');

process.on('message', (msg: Command) => {
  if (msg.type === 'memory') {
    // Collect twice: the first pass may only schedule finalizers. Without --expose-gc the numbers are noisier.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    send({ type: 'memory', ...process.memoryUsage() });
  } else if (msg.type === 'usage') {
    // CPU of the whole process (every thread: main, mail thread, WAL checkpointer, libuv pool) and RSS, no GC.
    const cpu = process.cpuUsage();
    send({ type: 'usage', id: msg.id, cpuMicros: cpu.user + cpu.system, rss: process.memoryUsage.rss() });
  } else if (msg.type === 'stop') {
    void server.close().finally(() => {
      send({ type: 'stopped' });
      // Exit on our own so --cpu-prof can write its profile.
      process.disconnect?.();
      setTimeout(() => process.exit(0), 50);
    });
  }
});
// An orphaned child (the bench died) must not keep serving.
process.on('disconnect', () => setTimeout(() => process.exit(0), 200).unref());
send({ type: 'ready', url: server.url });
