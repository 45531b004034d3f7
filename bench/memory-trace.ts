import { appendFileSync, readFileSync } from 'node:fs';
import v8 from 'node:v8';

/**
 * BENCH_MEMORY_TRACE=<file>: a server child appends one JSON line every 200 ms with its label, pid, RSS, process.memoryUsage()
 * and the main isolate's heap spaces (MB), for notes on where a memory target is missed. What is left of RSS after
 * the main heap and `external` is native: the node binary, SQLite, glibc's arenas and the worker threads' isolates.
 * On Linux also RSS split into anonymous memory and mapped files (the binary, the database), and the thread count;
 * once a second the worker threads' heaps too (from a diagnostic report, which takes the main thread a few ms).
 */

/** RssAnon, RssFile (MB) and Threads from /proc/self/status; {} where there is none. */
function procStatus(mb: (n: number) => number): Record<string, number> {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rssAnon: mb(field('RssAnon') * 1024), rssFile: mb(field('RssFile') * 1024), threads: field('Threads') };
  } catch {
    return {};
  }
}

/** The worker threads' V8 heaps (MB, committed), from a diagnostic report. */
function workerHeaps(mb: (n: number) => number): number[] {
  const report = process.report.getReport() as { workers?: Array<{ javascriptHeap?: { totalMemory?: number } }> };
  return (report.workers ?? []).map((w) => mb(w.javascriptHeap?.totalMemory ?? 0));
}

export function traceMemory(file: string | undefined, label: string): void {
  if (!file) return;
  const started = performance.now();
  const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
  let tick = 0;
  setInterval(() => {
    const m = process.memoryUsage();
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((s) => [s.space_name.replace(/_space$/, ''), mb(s.space_size)]),
    );
    const line = {
      label,
      pid: process.pid,
      t: Math.round(performance.now() - started),
      rss: mb(m.rss),
      heapTotal: mb(m.heapTotal),
      heapUsed: mb(m.heapUsed),
      external: mb(m.external),
      arrayBuffers: mb(m.arrayBuffers),
      spaces: { new: spaces.new, old: spaces.old, code: spaces.code, large: spaces.large_object },
      ...procStatus(mb),
      ...(tick++ % 5 === 0 ? { workerHeaps: workerHeaps(mb) } : {}),
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 200).unref();
}
