import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';

/**
 * The shared report: every figure is printed beside a baseline measured in the same run on the same machine
 * (these machines are shared and noisy: the ratio is the figure that counts, absolute numbers are context).
 */

/** A target on the value itself or on value/baseline. */
export interface Target {
  readonly op: '>=' | '<=';
  readonly value: number;
  readonly on: 'value' | 'ratio';
}

/** One row of the table. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** What the baseline is, in a few words (also printed under the table). */
  readonly baselineLabel: string;
  readonly baseline: number | null;
  readonly target?: Target;
}

/** What one benchmark returns: its figures and whatever detail helps read them (goes to latest.json). */
export interface BenchResult {
  readonly bench: string;
  readonly title: string;
  readonly figures: readonly Figure[];
  readonly details: Record<string, unknown>;
  /** Set when the bench could not run to the end; figures measured before that are still reported. */
  readonly error?: string;
  readonly seconds: number;
}

/** Options every bench receives. */
export interface BenchContext {
  readonly quick: boolean;
  /** A scratch folder of this run (deleted at the end). */
  readonly workDir: string;
  readonly log: (msg: string) => void;
  /** What the benches before this one in the same run reported (a figure may be another's baseline). */
  readonly earlier: readonly BenchResult[];
}

/** value/baseline, or null when there is no usable baseline. */
export function ratioOf(f: Figure): number | null {
  if (f.baseline === null || Number.isNaN(f.baseline) || f.baseline === 0 || Number.isNaN(f.value)) return null;
  const r = f.value / f.baseline;
  return Number.isNaN(r) ? null : r;
}

/** 'met' / 'missed' / '-' (no target) / 'n/a' (not measurable). */
export function verdict(f: Figure): 'met' | 'missed' | '-' | 'n/a' {
  if (!f.target) return '-';
  // Infinity (e.g. an event that never arrived) still compares; NaN means nothing was measured.
  const x = f.target.on === 'ratio' ? ratioOf(f) : f.value;
  if (x === null || Number.isNaN(x)) return 'n/a';
  return (f.target.op === '>=' ? x >= f.target.value : x <= f.target.value) ? 'met' : 'missed';
}

function num(x: number | null): string {
  if (x === null || Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function targetText(f: Figure): string {
  if (!f.target) return '-';
  const op = f.target.op === '>=' ? '≥' : '≤';
  return f.target.on === 'ratio' ? `${op} ${num(f.target.value)}× baseline` : `${op} ${num(f.target.value)} ${f.unit}`;
}

/** One table row as cells: figure, value, baseline, ratio, target, met/missed. */
function cells(f: Figure): string[] {
  const ratio = ratioOf(f);
  return [
    f.name,
    `${num(f.value)} ${f.unit}`,
    f.baseline === null ? '-' : `${num(f.baseline)} ${f.unit}`,
    ratio === null ? '-' : `${num(ratio)}×`,
    targetText(f),
    verdict(f),
  ];
}

const HEADER = ['figure', 'value', 'baseline', 'ratio', 'target', 'met/missed'];

/** The results as a Markdown table (pasted into the README as is), with the baselines explained below it. */
export function markdownTable(results: readonly BenchResult[]): string {
  const rows = results.flatMap((r) =>
    r.figures.length > 0 ? r.figures.map(cells) : [[`${r.title}: not measured`, '-', '-', '-', '-', 'n/a']],
  );
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) => `| ${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [line(HEADER), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  const notes = results.flatMap((r) => [
    ...r.figures.map((f) => `- ${f.name} — baseline: ${f.baselineLabel}`),
    ...(r.error ? [`- ${r.title}: stopped early — ${r.error}`] : []),
  ]);
  return `${out.join('\n')}\n\n${notes.join('\n')}\n`;
}

/** Facts about this machine and run, printed and stored with the figures. */
export function machineInfo(quick: boolean): Record<string, unknown> {
  return {
    mode: quick ? 'quick' : 'full',
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Writes bench-results/latest.json: machine, every figure with ratio and verdict, and the details. */
export function writeJson(file: string, quick: boolean, startedAt: Date, results: readonly BenchResult[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const doc = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machineInfo(quick),
    benches: results.map((r) => ({
      ...r,
      figures: r.figures.map((f) => ({ ...f, ratio: ratioOf(f), verdict: verdict(f) })),
    })),
  };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}
