import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildRelay, RELAY_START_COMMAND } from '../../../scripts/build-relay';

/** Test support for the release artifact: build it into a temp folder, install it as an operator would, run it. */

const root = resolve(import.meta.dirname, '../../..');

/**
 * Builds the relay into an empty temp folder and installs its production dependencies there with npm ci (from npm's
 * cache when it has them). `--ignore-scripts` then the repository's compiled better-sqlite3 addon: the same package
 * version, built for this Node, so the test does not spend minutes compiling it again; everything else is what a
 * server gets.
 */
export async function installRelayArtifact(options: { readonly withOptional: boolean }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-artifact-'));
  await buildRelay(dir);
  reinstall(dir, options);
  return dir;
}

/** (Re)installs the artifact's packages, with or without optional ones (pg). */
export function reinstall(dir: string, options: { readonly withOptional: boolean }): void {
  const omit = ['--omit=dev', ...(options.withOptional ? [] : ['--omit=optional'])];
  execFileSync('npm', ['ci', ...omit, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'pipe',
  });
  const addon = join('node_modules', 'better-sqlite3', 'build', 'Release');
  mkdirSync(join(dir, addon), { recursive: true });
  copyFileSync(join(root, addon, 'better_sqlite3.node'), join(dir, addon, 'better_sqlite3.node'));
}

export interface RunningArtifact {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<number | null>;
}

/** Starts the artifact with RELAY_START_COMMAND and a minimal environment (no npm, no tsx, no inherited NODE_OPTIONS). */
export function startArtifact(dir: string, env: Record<string, string>): Promise<RunningArtifact> {
  const [command, ...args] = RELAY_START_COMMAND;
  const child: ChildProcess = spawn(command, args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay artifact did not start in 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /LifeScore relay listening on (http:\/\/\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolvePromise({
          url: m[1],
          output: () => output,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relay artifact exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Runs `node <script> …args` in the artifact folder to its end (a refused start, the admin CLI). */
export function runToExit(
  dir: string,
  env: Record<string, string>,
  args: readonly string[],
): { status: number | null; output: string } {
  try {
    const out = execFileSync(process.execPath, args, {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: 'pipe',
      timeout: 15_000,
    });
    return { status: 0, output: out.toString() };
  } catch (err) {
    const e = err as { status: number | null; stdout?: Buffer; stderr?: Buffer };
    return { status: e.status, output: `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}` };
  }
}
