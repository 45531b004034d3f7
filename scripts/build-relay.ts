import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';

/**
 * `npm run build:relay`: the relay as a release artifact (issue 17). Our TypeScript is bundled into plain ES modules
 * (the entry, its worker threads, and lazily loaded chunks such as the PostgreSQL adapter); npm packages stay
 * external and are declared in a generated package.json, with the versions this repository is tested with, so the
 * artifact installs only what the relay runs (`npm ci --omit=dev`) and starts with `node` alone: no tsx, no
 * TypeScript, none of the desktop app's packages.
 *
 * Why a bundle with a generated manifest instead of an npm workspace: the relay shares `common/` with the app, and a
 * workspace would need a built `common` package plus a second list of versions to keep in step by hand; here the
 * bundle's own import graph is the list, so a new import cannot be forgotten.
 */

const root = resolve(import.meta.dirname, '..');

/**
 * The command that starts a built relay, in the artifact folder. The Dockerfile and the artifact test use it.
 * No --enable-source-maps: it keeps every chunk's parsed map in memory (~4 MB of the relay's ~80 MB idle, issue 18);
 * the bundle is not minified, so its stack traces read as they are. NODE_OPTIONS=--enable-source-maps maps them.
 */
export const RELAY_START_COMMAND = ['node', 'relay.mjs'] as const;

/** Packages the relay loads only when configured to: installed by default, omissible with `--omit=optional`. */
const OPTIONAL: Readonly<Record<string, string>> = { pg: 'PostgreSQL storage (DATABASE_URL=postgres://…)' };

const ENTRIES = {
  relay: 'server/relay/cli.ts',
  // The operator's CLI (list, approve, suspend): `node relay-admin.mjs list` beside the relay.
  'relay-admin': 'server/relay/admin-cli.ts',
  // Worker threads load from beside the bundle (mail/planner-proxy.ts, store/sqlite/wal-checkpointer.ts look for these names; the planner's keeps its name planner-thread.mjs so deployed artifacts do not change).
  'planner-thread': 'server/relay/mail/planner-worker.ts',
  'checkpoint-thread': 'server/relay/store/sqlite/checkpoint-thread.mjs',
} as const;

export interface RelayArtifact {
  readonly dir: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly optionalDependencies: Readonly<Record<string, string>>;
}

/** The npm package an import specifier names (`@scope/name/sub` → `@scope/name`). */
export function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
}

/** npm packages the bundle imports (externals that are not Node built-ins). */
function externalPackages(meta: Metafile): Set<string> {
  const builtins = new Set(builtinModules);
  const found = new Set<string>();
  for (const output of Object.values(meta.outputs)) {
    for (const imp of output.imports) {
      if (!imp.external || imp.path.startsWith('node:') || builtins.has(imp.path)) continue;
      found.add(packageOf(imp.path));
    }
  }
  return found;
}

function installedVersion(pkg: string): string {
  const file = join(root, 'node_modules', pkg, 'package.json');
  if (!existsSync(file))
    throw new Error(
      `The relay imports ${pkg}, which is not installed: add it to package.json (devDependencies) and run npm install.`,
    );
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Builds the relay into `outDir` (default dist-relay/) and writes its package.json and package-lock.json. */
export async function buildRelay(
  outDir = join(root, 'dist-relay'),
  options: { readonly lockfile?: boolean } = {},
): Promise<RelayArtifact> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(root, file)])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Code splitting keeps dynamic imports lazy: `pg` is imported by the PostgreSQL chunk only.
    splitting: true,
    chunkNames: '[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  const packages = [...externalPackages(result.metafile)].sort();
  const dependencies: Record<string, string> = {};
  const optionalDependencies: Record<string, string> = {};
  for (const pkg of packages) (pkg in OPTIONAL ? optionalDependencies : dependencies)[pkg] = installedVersion(pkg);
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
    engines: Record<string, string>;
  };
  const manifest = {
    name: 'lifescore-relay',
    version: rootPkg.version,
    description: 'LifeScore relay: Cal.com webhook ingest, durable log, SSE stream, booking emails, public profiles.',
    private: true,
    type: 'module',
    main: 'relay.mjs',
    engines: rootPkg.engines,
    scripts: { start: RELAY_START_COMMAND.join(' ') },
    dependencies,
    optionalDependencies,
    // Only better-sqlite3 compiles or downloads its addon at install (npm 11 approves install scripts per package).
    allowScripts: { 'better-sqlite3': true },
  };
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (options.lockfile !== false) {
    // A lockfile makes `npm ci` in the container install exactly the tested versions of every transitive package.
    execFileSync(
      'npm',
      ['install', '--package-lock-only', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'],
      { cwd: outDir, stdio: 'ignore' },
    );
  }
  return { dir: outDir, dependencies, optionalDependencies };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const artifact = await buildRelay();
  console.log(`Relay built into ${artifact.dir}`);
  console.log(`  runtime packages: ${Object.keys(artifact.dependencies).join(', ')}`);
  console.log(
    `  optional: ${Object.entries(artifact.optionalDependencies)
      .map(([p]) => `${p} (${OPTIONAL[p]})`)
      .join(', ')}`,
  );
  console.log(`Install: cd ${artifact.dir} && npm ci --omit=dev   Start: ${RELAY_START_COMMAND.join(' ')}`);
}
