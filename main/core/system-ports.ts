import { randomBytes } from 'node:crypto';
import type { AppCorePorts, Random } from './ports';

/**
 * The real network, randomness and waiting behind the core's ports, for the composition roots only (the Electron
 * ports, the browser host, benchmarks and test harnesses): core modules take these as ports and never reach for
 * fetch, node:crypto's randomBytes, Math.random or setTimeout-as-sleep themselves (DESIGN.md §2).
 */

export const nodeRandom: Random = {
  bytes: (size) => randomBytes(size),
  fraction: () => Math.random(),
};

export function nodeSystemPorts(): Pick<AppCorePorts, 'fetch' | 'syncFetch' | 'random' | 'sleep'> {
  // Looked up on each call, so a fetch replaced later (tests) is the one used.
  const nodeFetch: AppCorePorts['fetch'] = (input, init) => fetch(input, init);
  return {
    fetch: nodeFetch,
    syncFetch: nodeFetch,
    random: nodeRandom,
    sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  };
}
