import fs from 'node:fs';
import path from 'node:path';
import { METRICS_TOKEN } from './verified-channel';

/** Test support (issue 16): reads what the relay did, from the outside. */

/** The value of one Prometheus sample (0 when absent), read over HTTP with the metrics token. */
export async function metricValue(
  relayUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (
    await fetch(`${relayUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/** Every byte the relay keeps in its data folder (database, WAL, .eml files), for "never stored" checks. */
export function dataFolderBytes(dir: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else parts.push(fs.readFileSync(p));
    }
  };
  walk(dir);
  return Buffer.concat(parts);
}

/** Polls until cond holds. */
export async function eventually(
  cond: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
