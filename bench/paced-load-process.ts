import type { PacedLoadRun } from './paced-load-child';
import type { PacedRequest, PacedRun } from './paced-load';
import { forkBenchChild, stopBenchChild, waitFor } from './server-process';

/**
 * Parent side of paced-load-child.ts: pacedLoad from a child process of its own, sending `requests` in order, so the
 * bench process's earlier work (an autocannon run) does not sit in the latencies.
 */
export async function pacedLoadInChild(
  url: string,
  requests: readonly PacedRequest[],
  o: { readonly rate: number; readonly seconds: number; readonly connections: number },
): Promise<PacedRun> {
  const { child } = await forkBenchChild('paced-load-child');
  try {
    const done = waitFor<{ run?: PacedRun; error?: string }>(child, 'done', (o.seconds + 60) * 1000, 'paced load');
    child.send({ type: 'run', url, requests, ...o } satisfies PacedLoadRun);
    const { run, error } = await done;
    if (!run) throw new Error(`paced load failed: ${error ?? 'no result'}`);
    return run;
  } finally {
    await stopBenchChild(child, 5_000);
  }
}
