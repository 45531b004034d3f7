import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * `tsx bench/profile-summary.ts <file.cpuprofile|dir> [top=25]`: the top self-time frames of V8 CPU profiles written
 * by `node --cpu-prof` (or BENCH_PROFILE_DIR for the bench's child processes), for notes on missed targets.
 */

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time per frame (function + location), in ms, biggest first. */
export function selfTimes(profile: CpuProfile): { frame: string; where: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { where: string; ms: number }>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const f = byId.get(id)?.callFrame;
    if (!f) return;
    const where = f.url ? `${relative(process.cwd(), f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(key, { where, ms: (self.get(key)?.ms ?? 0) + dt });
    total += dt;
  });
  return [...self.entries()]
    .map(([frame, { where, ms }]) => ({ frame, where, ms, share: total ? ms / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

/** Self time grouped by where the code lives: a package in node_modules, a source folder, or V8/Node itself. */
export function byOwner(
  rows: readonly { frame: string; where: string; ms: number; share: number }[],
): { owner: string; ms: number; share: number }[] {
  const owners = new Map<string, { ms: number; share: number }>();
  for (const r of rows) {
    const path = r.where;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
    const owner = pkg
      ? pkg === '.cache'
        ? 'bundled sources'
        : pkg
      : path.startsWith('node:')
        ? 'node internals'
        : path
          ? path.split('/').slice(0, 2).join('/')
          : r.frame;
    const o = owners.get(owner) ?? { ms: 0, share: 0 };
    owners.set(owner, { ms: o.ms + r.ms, share: o.share + r.share });
  }
  return [...owners.entries()].map(([owner, v]) => ({ owner, ...v })).sort((a, b) => b.ms - a.ms);
}

const target = process.argv[2];
if (target && import.meta.filename === process.argv[1]) {
  const top = Number(process.argv[3] ?? 25);
  const files = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(target, f))
    : [target];
  for (const file of files) {
    const rows = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    console.log(`\n${file}`);
    for (const r of rows.slice(0, top))
      console.log(`${r.ms.toFixed(0).padStart(8)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.frame}`);
    console.log('  by owner:');
    for (const o of byOwner(rows).slice(0, 15))
      console.log(`${o.ms.toFixed(0).padStart(8)} ms ${(o.share * 100).toFixed(1).padStart(5)}%  ${o.owner}`);
  }
}
