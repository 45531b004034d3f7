import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelay, packageOf } from '../../scripts/build-relay';

/**
 * The installer holds only the app (issue 17). electron-builder packs the files electron-builder.yml lists plus every
 * package in package.json `dependencies`, so `dependencies` must be exactly what the built main process imports, and
 * nothing only the relay runs may be among them or among the packed files.
 */
const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const builder = readFileSync(join(root, 'electron-builder.yml'), 'utf8');

/** Every .js file of the built main process: the entry and its lazily loaded chunks. */
function mainFiles(dir = join(root, 'out', 'main')): string[] {
  if (!existsSync(join(root, 'out', 'main', 'index.js')))
    throw new Error('out/main has no index.js: run `npm run build` first (npm test does).');
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? mainFiles(path) : name.endsWith('.js') ? [path] : [];
  });
}

/** Bare package names the built main process imports (static and dynamic), electron and built-ins excluded. */
function mainImports(): Set<string> {
  const found = new Set<string>();
  for (const file of mainFiles()) {
    const code = readFileSync(file, 'utf8');
    const specs = [
      ...code.matchAll(/^\s*import\s[^;]*?from\s*["']([^"']+)["']/gm),
      ...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
      ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
    ];
    for (const [, spec] of specs) {
      if (
        !spec ||
        spec.startsWith('.') ||
        spec.startsWith('node:') ||
        builtinModules.includes(spec) ||
        spec === 'electron'
      )
        continue;
      found.add(packageOf(spec));
    }
  }
  return found;
}

/** The `files:` patterns of electron-builder.yml (a top-level YAML list). */
function builderFiles(): string[] {
  const block = /^files:\n((?:\s+- .+\n)+)/m.exec(builder);
  if (!block?.[1]) throw new Error('electron-builder.yml has no files: list');
  return block[1]
    .split('\n')
    .map((l) =>
      l
        .replace(/^\s+- /, '')
        .replace(/^['"]|['"]$/g, '')
        .trim(),
    )
    .filter(Boolean);
}

describe('what the installer packs', () => {
  let relayPackages: Set<string>;
  let outDir: string;
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'relay-deps-'));
    const artifact = await buildRelay(outDir, { lockfile: false });
    relayPackages = new Set([...Object.keys(artifact.dependencies), ...Object.keys(artifact.optionalDependencies)]);
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('declares as dependencies exactly the packages the built main process imports', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...mainImports()].sort());
  });

  it('ships none of the packages only the relay runs', () => {
    const serverOnly = [...relayPackages].filter((p) => !mainImports().has(p));
    // The relay really has packages of its own (mail, logging, metrics); each must stay out of the installer.
    expect(serverOnly).toEqual(expect.arrayContaining(['nodemailer', 'pino', 'prom-client', 'helmet', 'pg']));
    // The relay writes its .ics itself since issue 18: ical-generator is only a test and bench reference
    // (tests/support/relay/mail/reference-ics.ts).
    expect(serverOnly).not.toContain('ical-generator');
    expect(Object.keys(pkg.dependencies).filter((p) => serverOnly.includes(p))).toEqual([]);
  });

  it('packs only the built app, never server sources, the relay artifact or the sandbox', () => {
    const files = builderFiles();
    expect(files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    for (const pattern of files) expect(pattern).not.toMatch(/^(server|dist-relay|tests|scripts|main|common)\b|^\*\*/);
    // electron-vite's output holds no relay or sandbox module (they are never imported by main, preload or renderer).
    const main = mainFiles()
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const marker of ['lifescore-relay', 'calcom-sandbox', 'nodemailer', 'createRelay('])
      expect(main).not.toContain(marker);
  });
});
