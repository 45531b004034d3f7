import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pullResponseSchema, type PulledEvent } from '../../common/relay';
import { createReadyChannel, postWebhook, tempDir, TEST_SECRET } from '../../tests/support/relay/relay-test-kit';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'server/relay/cli.ts');
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Runs the CLI as `npm run relay` would (tsx's loader in plain node, so kill -9 hits the relay itself). */
function spawnRelay(env: Record<string, string>): {
  child: ChildProcess;
  url: Promise<string>;
  exit: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', RELAY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start: ${stderr}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', () => reject(new Error(`relay exited: ${stderr}`)));
  });
  url.catch(() => {});
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stderr })),
  );
  return { child, url, exit };
}

async function pullAll(url: string, id: string, token: string): Promise<PulledEvent[]> {
  const all: PulledEvent[] = [];
  for (;;) {
    const res = await fetch(`${url}/api/channels/${id}/events?after=${all.at(-1)?.seq ?? 0}&limit=1000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const page = pullResponseSchema.parse(await res.json());
    all.push(...page.events);
    if (page.events.length === 0 || all.at(-1)!.seq >= page.lastSeq) return all;
  }
}

describe('relay CLI', () => {
  it('exits 1 with a clear message on invalid configuration', async () => {
    const { exit } = spawnRelay({ RELAY_PORT: 'abc', DATABASE_URL: 'mysql://db/x' });
    const { code, stderr } = await exit;
    expect(code).toBe(1);
    expect(stderr).toContain('RELAY_PORT must be a whole number');
    expect(stderr).toContain('DATABASE_URL must be postgres://');
  });

  it('keeps every acknowledged webhook exactly once across kill -9, and shuts down cleanly on SIGTERM', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const env = {
      RELAY_PORT: '0',
      RELAY_DATA_DIR: dir,
      RELAY_RATE_LIMIT_CHANNEL_PER_MIN: '1000000',
      RELAY_RATE_LIMIT_IP_PER_MIN: '1000000',
    };
    const first = spawnRelay(env);
    const url1 = await first.url;
    const ch = await createReadyChannel(url1);

    const acknowledged: number[] = [];
    let n = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const k = n++;
        try {
          const res = await postWebhook(ch.ingestUrl, JSON.stringify({ k }), { secret: TEST_SECRET });
          if (res.ok) acknowledged.push(k);
        } catch {
          return; // the relay is gone
        }
      }
    };
    const workers = Promise.all(Array.from({ length: 16 }, worker));
    // Kill mid-burst, once a good number of webhooks went through.
    const deadline = Date.now() + 15_000;
    while (acknowledged.length < 150 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    await first.exit;
    stop = true;
    await workers;
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);

    const second = spawnRelay(env);
    const url2 = await second.url;
    const events = await pullAll(url2, ch.id, ch.token);
    const ks = events.map((e) => (JSON.parse(Buffer.from(e.bodyBase64, 'base64').toString()) as { k: number }).k);
    const counts = new Map<number, number>();
    for (const k of ks) counts.set(k, (counts.get(k) ?? 0) + 1);
    for (const k of acknowledged) expect([k, counts.get(k)]).toEqual([k, 1]);
    expect(new Set(ks).size).toBe(ks.length);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

    second.child.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);
  }, 60_000);
});
