import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { resolve } from 'node:path';
import type { CreateChannelResponse } from '../common/relay';
import { bundleChild } from './bundle';

/** Parent side of server-child.ts, plus the small HTTP helpers the benches use against it (node:http only). */

export const repoRoot = resolve(import.meta.dirname, '..');

/**
 * Rate limits raised far above any bench rate and the per-address connection cap off: every bench client comes
 * from 127.0.0.1, so the bench measures serving, not the limiters' 429s and refused connections.
 */
export const benchRelayEnv = {
  RELAY_MAX_CONNECTIONS_PER_IP: '0',
  RELAY_RATE_LIMIT_IP_PER_MIN: '1000000',
  RELAY_RATE_LIMIT_CHANNEL_PER_MIN: '1000000',
  RELAY_RATE_LIMIT_API_PER_MIN: '1000000',
  // Every client is 127.0.0.1: fan-out opens thousands of channels and their streams, the ingest bench verifies eight
  // identities.
  RELAY_RATE_LIMIT_STREAM_PER_MIN: '1000000',
  RELAY_INGEST_BYTES_PER_CHANNEL_PER_DAY: '1024gb',
  RELAY_INGEST_BYTES_PER_IP_PER_DAY: '1024gb',
  RELAY_MAX_CHANNEL_BYTES: '1024gb',
  RELAY_MAX_STREAMS_PER_IP: '1000000',
  RELAY_RATE_LIMIT_CHANNEL_CREATE_PER_HOUR: '1000000',
  RELAY_RATE_LIMIT_IDENTITY_PER_MIN: '1000000',
  RELAY_LOG_LEVEL: 'info',
} as const;

/** process.memoryUsage() of the child, in bytes. */
export interface ProcessMemory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** A running server child. */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Memory after a forced GC in the child. */
  memory(): Promise<ProcessMemory>;
  /** CPU time used so far by the whole child (all its threads), in µs, and its RSS now (no GC). */
  usage(): Promise<{ cpuMicros: number; rss: number }>;
  stop(): Promise<void>;
}

/** Extra node flags for children: BENCH_PROFILE_DIR=<dir> profiles them with --cpu-prof. */
export function childNodeArgs(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(dir)}`] : [];
}

/**
 * The next IPC message of `type` from a bench child (its payload), or an error after `timeoutMs` or at its exit.
 * `id`: only the reply carrying that id (for requests that may overlap).
 */
export function waitFor<T>(
  child: ChildProcess,
  type: string,
  timeoutMs: number,
  name = 'server child',
  id?: number,
): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => done(new Error(`${name}: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (msg: { type?: string; id?: number }) => {
      if (msg?.type === type && (id === undefined || msg.id === id)) done(undefined, msg as T);
    };
    const onExit = (code: number | null) => done(new Error(`${name} exited (${code}) before '${type}'`));
    const done = (err?: Error, value?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolvePromise(value as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * Forks the bundled bench/<name>.ts (cwd: the repository, output inherited) and waits for its `{ type: 'ready' }`
 * message; a child that exits or stays silent for 30 s is killed and rejected.
 */
export async function forkBenchChild<Ready = unknown>(
  name: string,
  args: readonly string[] = [],
  options: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {},
): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(await bundleChild(name), args, {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...options,
  });
  try {
    return { child, ready: await waitFor<Ready>(child, 'ready', 30_000, name) };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

/** Starts server-child.ts in `mode` with `env` added to this process's environment. */
export async function startServerProcess(
  mode: 'relay' | 'bare' | 'floor' | 'smee',
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  let nextUsageId = 1;
  const { child, ready } = await forkBenchChild<{ url: string }>('server-child', [mode], {
    env: { ...process.env, ...env },
    execArgv: ['--expose-gc', ...childNodeArgs()],
  });
  return {
    url: ready.url,
    pid: child.pid ?? 0,
    async memory() {
      const reply = waitFor<ProcessMemory>(child, 'memory', 30_000);
      child.send({ type: 'memory' });
      return reply;
    },
    async usage() {
      // The ingest bench samples RSS every 500 ms while it also reads CPU: a busy child answers those late, and a
      // reply taken by the wrong caller once made a whole outbox drain read as using no CPU.
      const id = nextUsageId++;
      const reply = waitFor<{ cpuMicros: number; rss: number }>(child, 'usage', 30_000, 'server child', id);
      child.send({ type: 'usage', id });
      return reply;
    },
    stop: () => stopBenchChild(child, 15_000),
  };
}

/** Asks a bench child to stop (`{ type: 'stop' }`) and waits for its exit; SIGKILL after `timeoutMs`. */
export async function stopBenchChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** A keep-alive agent for the benches' own API calls. */
export const apiAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request on loopback; resolves with status and body text. */
export function request(
  method: string,
  url: string,
  options: { body?: string; headers?: Record<string, string>; agent?: http.Agent | false } = {},
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolvePromise, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        agent: options.agent ?? apiAgent,
        headers: {
          ...(options.body !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${u.pathname}: timeout`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Creates a relay channel (POST /api/channels) and, when given, sets its Cal.com webhook secret. */
export async function createChannel(relayUrl: string, secret?: string): Promise<CreateChannelResponse> {
  const created = await request('POST', `${relayUrl}/api/channels`, { body: '{}' });
  if (created.status !== 201)
    throw new Error(`POST /api/channels answered ${created.status}: ${created.body.slice(0, 200)}`);
  const channel = JSON.parse(created.body) as CreateChannelResponse;
  if (secret !== undefined) {
    const put = await request('PUT', `${relayUrl}/api/channels/${channel.id}/secret`, {
      body: JSON.stringify({ secret }),
      headers: { authorization: `Bearer ${channel.token}` },
    });
    if (put.status !== 204) throw new Error(`PUT secret answered ${put.status}`);
  }
  return channel;
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}
