import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { DevStackOptions } from './dev-stack';
import { STACK_READY_PREFIX } from './stack-info';
import type { StackInfo } from './stack-info';

const root = resolve(import.meta.dirname, '..');

export interface StackProcess extends StackInfo {
  stop(): Promise<void>;
}

/**
 * Starts stack-process.ts with `runtime` as Node: Electron's binary with ELECTRON_RUN_AS_NODE=1 for `npm start` and
 * the smoke suite (so the relay loads better-sqlite3 built for Electron), or plain Node in the unit test of this plumbing.
 */
export function startStackProcess(
  runtime: { readonly command: string; readonly env: Record<string, string> },
  options: DevStackOptions,
): Promise<StackProcess> {
  const child = spawn(
    runtime.command,
    ['--import', 'tsx', resolve(import.meta.dirname, 'stack-process.ts'), JSON.stringify(options)],
    {
      cwd: root,
      env: runtime.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the sandbox and relay did not start within 60 s:\n${stderr}`));
    }, 60_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox and relay process exited with ${code}:\n${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith(STACK_READY_PREFIX)) return;
      clearTimeout(timer);
      const info = JSON.parse(line.slice(STACK_READY_PREFIX.length)) as StackInfo;
      resolvePromise({
        ...info,
        async stop() {
          child.stdin.end();
          const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(timeout);
        },
      });
    });
  });
}
