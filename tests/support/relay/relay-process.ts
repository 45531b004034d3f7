import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pullResponseSchema, type PulledEvent } from '../../../common/relay';

/** Test support (not a test file): relay CLI processes, as an operator runs them, for multi-process tests. */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(ROOT, 'server/relay/cli.ts');

export interface RelayProcess {
  readonly child: ChildProcess;
  /** Base URL once it printed "listening on". */
  readonly url: Promise<string>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * Runs `server/relay/cli.ts` with tsx's loader inside plain node — not through the tsx binary, which would put a
 * wrapper process in between, so SIGKILL would hit the wrapper and orphan the relay.
 */
export function spawnRelayProcess(env: Record<string, string>): RelayProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', RELAY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start within 30 s: ${stderr}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`relay exited: ${stderr}`));
    });
  });
  url.catch(() => {});
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, url, exit };
}

/** Kills a relay process still running (test cleanup). */
export function killRelayProcess(p: RelayProcess): Promise<unknown> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  return p.exit;
}

/** Every retained event of a channel, paged through the pull API. */
export async function pullAllEvents(url: string, id: string, token: string): Promise<PulledEvent[]> {
  const all: PulledEvent[] = [];
  for (;;) {
    const res = await fetch(`${url}/api/channels/${id}/events?after=${all.at(-1)?.seq ?? 0}&limit=1000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const page = pullResponseSchema.parse(await res.json());
    all.push(...page.events);
    if (page.events.length === 0 || all.at(-1)!.seq >= page.lastSeq) return all;
  }
}

/** The `k` each test webhook body carries, decoded from a pulled event. */
export const bodyKey = (e: PulledEvent): number =>
  (JSON.parse(Buffer.from(e.bodyBase64, 'base64').toString()) as { k: number }).k;
