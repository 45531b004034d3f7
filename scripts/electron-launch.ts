import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ElectronBinary = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

/**
 * Finds Electron's binary without triggering its download: electron 45 fetches the binary lazily on first
 * require(), which on a machine without internet fails (and elsewhere would stall `npm start` silently).
 */
export function findElectronBinary(root: string): ElectronBinary {
  const pkg = join(root, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(path) ? { ok: true, path } : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no electron binary (${path})` };
  }
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) {
    return { ok: false, reason: 'the Electron binary is not installed (run `npx install-electron` on a machine with internet access)' };
  }
  const path = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? { ok: true, path } : { ok: false, reason: `the Electron binary is missing at ${path}` };
}

/**
 * Starts Electron on the built app and resolves once it has stayed up for `settleMs`; rejects with the reason
 * when it exits first (no display, missing libraries, sandbox refused), so the caller can fall back.
 */
export function launchElectron(binary: string, root: string, env: Record<string, string>, settleMs = 5000): Promise<{ exited: Promise<number> }> {
  return new Promise((resolvePromise, reject) => {
    const args = ['.'];
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    const child = spawn(binary, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'pipe'] });
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
      reject(new Error(`Electron exited with code ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no output'}`));
    });
  });
}
