import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiMethods } from '../../common/api';
import { rendererCspHeader } from '../host/renderer-page';

/**
 * Checks the electron-vite output that electron-builder packages (npm test builds before it runs vitest).
 * A packaged app has only `dependencies` installed, so the main bundle may import nothing else; no bundle may
 * carry a path of the machine that built it or a dev-server URL.
 */
const root = resolve(import.meta.dirname, '../..');
const out = join(root, 'out');
const ENTRIES = ['main/index.js', 'preload/index.cjs', 'renderer/index.html'];
const read = (file: string) => readFileSync(join(out, file), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
};

/** The package an import specifier names (`@scope/name/sub` → `@scope/name`). */
const packageOf = (spec: string) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);

/** The newest source file the bundles are built from (tests excluded: they are not bundled). */
function newestSource(): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules') visit(join(path, name));
    } else if (/\.(ts|tsx|css|html)$/.test(path) && !/\.test\.tsx?$/.test(path) && stat.mtimeMs > newest.mtimeMs) {
      newest = { file: relative(root, path), mtimeMs: stat.mtimeMs };
    }
  };
  for (const dir of [
    'main/index.ts',
    'main/electron',
    'main/core',
    'preload',
    'renderer',
    'common',
    'electron.vite.config.ts',
  ]) {
    if (existsSync(join(root, dir))) visit(join(root, dir));
  }
  return newest;
}

/** Bare specifiers a bundle imports (static and dynamic). */
function importsOf(code: string): string[] {
  return [
    ...code.matchAll(/^\s*import\s[^;]*?from\s*["']([^"']+)["']/gm),
    ...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]!);
}

/** out/main's JavaScript files (the entry and its chunks), relative to out/. */
function mainChunks(): string[] {
  const list: string[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(join(out, dir))) {
      const rel = `${dir}/${name}`;
      if (statSync(join(out, rel)).isDirectory()) visit(rel);
      else if (name.endsWith('.js')) list.push(rel);
    }
  };
  visit('main');
  return list;
}

beforeAll(() => {
  // One clear failure instead of an ENOENT per test when `npx vitest run` runs without a build.
  const missing = ENTRIES.filter((file) => !existsSync(join(out, file)));
  if (missing.length > 0)
    throw new Error(
      `out/ has no ${missing.join(', ')}: run \`npm run build\` (electron-vite build) first; npm test does it for you.`,
    );
  const built = Math.min(...ENTRIES.map((file) => statSync(join(out, file)).mtimeMs));
  const newest = newestSource();
  if (newest.mtimeMs > built)
    throw new Error(
      `out/ is older than ${newest.file}: run \`npm run build\` again, then these checks test today's sources.`,
    );
});

describe('built bundles', () => {
  it('package.json main points at the main bundle', () => {
    expect(pkg.main).toBe('out/main/index.js');
  });

  it('main imports only Node built-ins, electron and production dependencies', () => {
    const specs = importsOf(read('main/index.js'));
    expect(specs.length).toBeGreaterThan(0);
    const allowed = new Set(['electron', ...Object.keys(pkg.dependencies), ...builtinModules]);
    const stray = specs.filter((s) => !s.startsWith('node:') && !s.startsWith('.') && !allowed.has(packageOf(s)));
    expect(stray).toEqual([]);
  });

  it('main parses as a module and every package it imports resolves from out/main (as it will in the package)', () => {
    const main = join(out, 'main/index.js');
    const check = spawnSync(process.execPath, ['--check', main], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    // electron is the runtime itself; everything else must come from node_modules (externalized, not bundled).
    // The entry and the chunks it imports lazily (the core, loaded after the window opens) together.
    const packages = [
      ...new Set(
        mainChunks()
          .flatMap((f) => importsOf(read(f)))
          .filter(
            (s) => !s.startsWith('node:') && !s.startsWith('.') && s !== 'electron' && !builtinModules.includes(s),
          ),
      ),
    ];
    expect(packages).toEqual(expect.arrayContaining(['better-sqlite3', 'smee-client', 'undici']));
    const script = `for (const s of ${JSON.stringify(packages)}) import.meta.resolve(s);`;
    const resolved = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(out, 'main'),
      encoding: 'utf8',
    });
    expect(resolved.status, resolved.stderr).toBe(0);
  });

  it('issue 21: the main entry loads no native module at the top (a second instance never loads them)', () => {
    const top = importsOf(read('main/index.js')).filter((s) => !s.startsWith('.') && !/^\s*import\(/.test(s));
    const staticTop = [...read('main/index.js').matchAll(/^\s*import\s[^;]*?from\s*["']([^"']+)["']/gm)].map(
      (m) => m[1],
    );
    for (const native of ['better-sqlite3', '@napi-rs/keyring', 'electron-store'])
      expect(staticTop, native).not.toContain(native);
    expect(top.length).toBeGreaterThan(0);
  });

  it('main carries no test or development-server code and stays small (dependencies are not inlined)', () => {
    const code = mainChunks().map(read).join('\n');
    for (const marker of ['createSandbox(', 'FakeSyncEngine', 'from "vitest"', 'connect-harness'])
      expect(code.includes(marker), marker).toBe(false);
    // undici alone is ~1 MB; inlined dependencies show up here first.
    expect(code.length).toBeLessThan(400_000);
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
    runInNewContext(code, {
      require: (id: string) => (id === 'electron' ? electron : undefined),
      module,
      exports: module.exports,
      console,
    });
    expect(Object.keys(exposed.lifescore as object).sort()).toEqual([...apiMethods, 'onEvent'].sort());
    // Every window loads it before the page: names and channels only, no validation library (it was 183 kB with zod).
    expect(code).not.toMatch(/\._zod\b|ZodError|\$Zod/);
    expect(code.length).toBeLessThan(10_000);
  });

  it('renderer index.html keeps its CSP and points at assets that exist, relative to itself', () => {
    const html = read('renderer/index.html');
    // The same policy the source page states (main/host/request-guard.test.ts checks what it says).
    expect(rendererCspHeader(html)).toBe(rendererCspHeader(readFileSync('renderer/index.html', 'utf8')));
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref.startsWith('./'), ref).toBe(true);
      expect(existsSync(join(out, 'renderer', ref)), ref).toBe(true);
    }
  });

  it('renderer scripts parse as modules', () => {
    for (const file of readdirSync(join(out, 'renderer', 'assets')).filter((f) => f.endsWith('.js'))) {
      const check = spawnSync(process.execPath, ['--check', join(out, 'renderer', 'assets', file)], {
        encoding: 'utf8',
      });
      expect(check.status, `${file}: ${check.stderr}`).toBe(0);
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
