/** Small statistics helpers shared by the benches. */

/** The p-th percentile (0–100) of `values` by nearest rank; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** p50/p95/p99/max of a latency sample, in the sample's unit, rounded for the report (Infinity stays Infinity). */
export function summarize(values: readonly number[]): {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
} {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    n: values.length,
    p50: r(percentile(values, 50)),
    p95: r(percentile(values, 95)),
    p99: r(percentile(values, 99)),
    max: r(percentile(values, 100)),
  };
}

/** Wall-clock epoch milliseconds at sub-millisecond resolution: comparable between the bench's processes. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `done` every `everyMs` until it is true or `timeoutMs` passes; resolves with whether it became true. */
export async function waitUntil(done: () => boolean, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > until) return false;
    await sleep(everyMs);
  }
  return true;
}
