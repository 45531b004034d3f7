import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ElectronBinary =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

/**
 * Finds Electron's binary without triggering its download: electron 45 fetches the binary lazily on first
 * require(), which on a machine without internet fails (and elsewhere would stall `npm start` silently).
 */
export function findElectronBinary(
  root: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
): ElectronBinary {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json')))
    return { ok: false, reason: 'the electron package is not in node_modules (run `npm install`)' };
  const pathFile = join(pkg, 'path.txt');
  // path.txt names the executable inside dist/ for this platform; electron's own index.js reads it the same way.
  const recorded = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(env.ELECTRON_OVERRIDE_DIST_PATH, recorded || defaultExecutable(platform));
    return existsSync(path)
      ? { ok: true, path }
      : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no Electron executable (${path})` };
  }
  if (!recorded) {
    return {
      ok: false,
      reason: 'the Electron binary is not installed (run `npx install-electron` on a machine with internet access)',
    };
  }
  const path = join(pkg, 'dist', recorded);
  return existsSync(path)
    ? { ok: true, path }
    : { ok: false, reason: `the Electron binary is missing at ${path} (run \`npx install-electron\` again)` };
}

/** The executable's path inside Electron's dist folder (what electron's install.js writes to path.txt). */
function defaultExecutable(platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'electron.exe';
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return 'electron';
}

/**
 * Starts Electron on the built app and resolves once it has stayed up for `settleMs`; rejects with the reason
 * when it exits first (no display, missing libraries, sandbox refused), so the caller can fall back.
 */
export function launchElectron(
  binary: string,
  root: string,
  env: Record<string, string>,
  settleMs = 5000,
): Promise<{ exited: Promise<number> }> {
  return new Promise((resolvePromise, reject) => {
    const args = ['.'];
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    const child = spawn(binary, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? 1)));
    const timer = setTimeout(() => resolvePromise({ exited }), settleMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `Electron exited with code ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no output'}`,
        ),
      );
    });
  });
}

/**
 * Whether better-sqlite3's native addon loads in Electron's Node (ELECTRON_RUN_AS_NODE). npm installs it for
 * Node's ABI, which vitest and the relay need; the Electron app needs it rebuilt (`electron-builder
 * install-app-deps`), and then only Electron's Node can load it. Returns the loader's error output when it fails.
 */
export function probeElectronSqlite(
  binary: string,
  root: string,
): { readonly ok: true } | { readonly ok: false; readonly output: string } {
  const probe = spawnSync(binary, ['-e', "const D = require('better-sqlite3'); new D(':memory:').close();"], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return probe.status === 0
    ? { ok: true }
    : { ok: false, output: `${probe.stderr ?? ''}${probe.error ? String(probe.error) : ''}` };
}
