import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles a bench child entry the way electron-vite bundles the shipped processes (our TypeScript compiled into one
 * file, packages left in node_modules), so children start as fast as the product does rather than paying for tsx's
 * on-the-fly compiler on every spawn. Output lives in node_modules/.cache so its bare imports resolve.
 */

/**
 * Where bundles and cached fixtures go (gitignored with node_modules). BENCH_CACHE_DIR moves them, e.g. into a git
 * worktree's own out/ when node_modules is shared between checkouts: otherwise two checkouts benching at once would
 * run each other's bundles. It must sit below a folder with node_modules, so the bundles' bare imports resolve.
 */
export const benchCacheDir =
  process.env.BENCH_CACHE_DIR ?? join(import.meta.dirname, '..', 'node_modules', '.cache', 'lifescore-bench');

const built = new Map<string, Promise<string>>();

/** Bundles bench/<name>.ts once per run; resolves with the .mjs path. */
export function bundleChild(name: string): Promise<string> {
  let done = built.get(name);
  if (!done) {
    mkdirSync(benchCacheDir, { recursive: true });
    const outfile = join(benchCacheDir, `${name}.mjs`);
    done = build({
      // The relay's worker threads (email planner, WAL checkpoints) load from beside a bundled relay.
      entryPoints: {
        [name]: join(import.meta.dirname, `${name}.ts`),
        'planner-thread': join(import.meta.dirname, '../server/relay/mail/planner-worker.ts'),
        'checkpoint-thread': join(import.meta.dirname, '../server/relay/store/sqlite/checkpoint-thread.mjs'),
      },
      outdir: benchCacheDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      chunkNames: 'chunk-[name]-[hash]',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    }).then(() => outfile);
    built.set(name, done);
  }
  return done;
}
