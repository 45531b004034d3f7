import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { apiMethods } from '../../common/api';

/**
 * Checks the electron-vite output that electron-builder packages (npm test builds before it runs vitest).
 * A packaged app has only `dependencies` installed, so the main bundle may import nothing else; no bundle may
 * carry a path of the machine that built it or a dev-server URL.
 */
const root = resolve(import.meta.dirname, '../..');
const out = join(root, 'out');
const read = (file: string) => {
  const path = join(out, file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first`);
  return readFileSync(path, 'utf8');
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/** The package an import specifier names (`@scope/name/sub` → `@scope/name`). */
const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));

describe('built bundles', () => {
  it('main imports only Node built-ins, electron and production dependencies', () => {
    const code = read('main/index.js');
    const specs = [...code.matchAll(/^\s*import\s[^;]*?from\s*["']([^"']+)["']/gm), ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
    expect(specs.length).toBeGreaterThan(0);
    const allowed = new Set(['electron', ...Object.keys(pkg.dependencies), ...builtinModules]);
    const stray = specs.filter((s) => !s.startsWith('node:') && !s.startsWith('.') && !allowed.has(packageOf(s)));
    expect(stray).toEqual([]);
  });

  it('preload requires only electron and exposes the bridge when loaded', () => {
    const code = read('preload/index.cjs');
    const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    const exposed: Record<string, unknown> = {};
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
      ipcRenderer: { invoke: async () => null, on: () => undefined, removeListener: () => undefined },
    };
    const module = { exports: {} };
    runInNewContext(code, { require: (id: string) => (id === 'electron' ? electron : undefined), module, exports: module.exports, console });
    expect(Object.keys(exposed.lifescore as object).sort()).toEqual([...apiMethods, 'onEvent'].sort());
  });

  it('renderer index.html keeps its CSP and points at assets that exist, relative to itself', () => {
    const html = read('renderer/index.html');
    expect(html).toContain(`default-src 'self'; script-src 'self'`);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref.startsWith('./'), ref).toBe(true);
      expect(existsSync(join(out, 'renderer', ref)), ref).toBe(true);
    }
  });

  it('no bundle names this machine’s paths or a dev server', () => {
    const assets = readdirSync(join(out, 'renderer', 'assets')).map((f) => `renderer/assets/${f}`);
    for (const file of ['main/index.js', 'preload/index.cjs', 'renderer/index.html', ...assets]) {
      const code = read(file);
      expect(code.includes(root), `${file} contains ${root}`).toBe(false);
      expect(/localhost:5173|\/@vite\/client|node_modules\/\.vite/.test(code), file).toBe(false);
    }
  });
});
