import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** Test support: a TypeScript entry point run under tsx in its own process, so a test can SIGKILL it. */

const repoRoot = resolve(import.meta.dirname, '../..');

export interface Child {
  readonly process: ChildProcess;
  /** Everything the child printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first stdout match of `pattern` (rejects on exit or after `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and waits for the process to be gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `node --import tsx <entry> ...args` from the repository root with `env` added to ours. */
export function startChild(entry: string, args: readonly string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(repoRoot, entry), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exited = false;
  const exitedP = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return {
    process: child,
    output: () => out,
    async waitFor(pattern, ms = 45_000) {
      const end = Date.now() + ms;
      for (;;) {
        const m = pattern.exec(out);
        if (m) return m;
        if (exited) throw new Error(`child exited before printing ${pattern}:\n${out}`);
        if (Date.now() > end) throw new Error(`child did not print ${pattern} within ${ms} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async kill(signal) {
      if (!exited) child.kill(signal);
      await exitedP;
    },
  };
}

/** The relay CLI (`npm run relay`) as a child process on loopback; resolves with its base URL. */
export async function startRelayProcess(
  dataDir: string,
  port = 0,
  extraEnv: Record<string, string> = {},
): Promise<{ child: Child; url: string }> {
  const child = startChild('server/relay/cli.ts', [], {
    RELAY_HOST: '127.0.0.1',
    RELAY_PORT: String(port),
    RELAY_DATA_DIR: dataDir,
    RELAY_LOG_LEVEL: 'silent',
    RELAY_HEARTBEAT_MS: '200',
    RELAY_RATE_LIMIT_IP_PER_MIN: '1000000',
    RELAY_RATE_LIMIT_CHANNEL_PER_MIN: '1000000',
    RELAY_RATE_LIMIT_API_PER_MIN: '1000000',
    ...extraEnv,
  });
  const m = await child.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  return { child, url: m[1] as string };
}
