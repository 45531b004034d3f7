import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it, vi } from 'vitest';
import type { TestRelay } from '../support/app/relay-harness';
import { createChannel, startTestRelay } from '../support/app/relay-harness';
import type { Child } from './child-process';
import { startChild } from './child-process';
import { burst, uidsOf } from './webhook-traffic';

/** Issue 11, fault 2: the app (its sync engine, in a child process) is SIGKILLed while applying a burst. */

const SECRET = 'cal-webhook-secret-for-app-kill-01';
let dir: string;
let relay: TestRelay | undefined;
let children: Child[] = [];

afterEach(async () => {
  for (const c of children) await c.kill('SIGKILL');
  children = [];
  await relay?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

it('after a SIGKILL during apply and a restart, inbox and bookings agree and nothing is applied twice', async () => {
  dir = mkdtempSync(join(tmpdir(), 'app-kill-'));
  relay = await startTestRelay(join(dir, 'relay'));
  const channel = await createChannel(relay.url, SECRET);
  const db = join(dir, 'bookings.sqlite');
  const log = join(dir, 'changes.log');
  const app = () =>
    startChild('tests/reliability/engine-child.ts', [db, log, relay!.url, JSON.stringify(channel), SECRET], {});

  const first = app();
  children.push(first);
  await first.waitFor(/^live$/m, 45_000);
  // Kill the app when it has applied 60 of the 200 (the rest are mid-stream, mid-forward or mid-transaction).
  const sent = burst(channel.ingestUrl, SECRET, uidsOf('a', 200), 16);
  await vi.waitFor(() => expect(lines(log).length).toBeGreaterThanOrEqual(60), { timeout: 45_000, interval: 5 });
  await first.kill('SIGKILL');
  const appliedBeforeKill = lines(log).length;
  expect((await sent).failed).toEqual([]);
  // More traffic while the app is dead.
  expect((await burst(channel.ingestUrl, SECRET, uidsOf('b', 30), 8)).failed).toEqual([]);

  const second = app();
  children.push(second);
  await second.waitFor(/^live$/m, 45_000);
  const reader = new Database(db, { readonly: true });
  try {
    const cursor = () =>
      reader.prepare('SELECT seq FROM relay_cursor WHERE channel = ?').pluck().get(channel.id) as number | undefined;
    await vi.waitFor(() => expect(cursor()).toBe(230), { timeout: 60_000 });
    await second.kill('SIGTERM');
    const inbox = reader
      .prepare(
        'SELECT count(*) AS n, count(DISTINCT seq) AS d, min(seq) AS lo, max(seq) AS hi FROM relay_inbox WHERE channel = ?',
      )
      .get(channel.id);
    expect(inbox).toEqual({ n: 230, d: 230, lo: 1, hi: 230 });
    expect(reader.prepare("SELECT count(*) FROM relay_inbox WHERE status != 'applied'").pluck().get()).toBe(0);
    const uids = reader.prepare('SELECT uid FROM bookings').pluck().all() as string[];
    expect(new Set(uids)).toEqual(new Set([...uidsOf('a', 200), ...uidsOf('b', 30)]));
    expect(reader.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    reader.close();
  }
  // Each change was reported at most once across both lives (a kill may lose the report of its last commit).
  const reported = lines(log);
  const twice = reported.filter((u, i) => reported.indexOf(u) !== i);
  expect(twice).toEqual([]);
  expect(reported.length).toBeGreaterThanOrEqual(229);
  console.info(
    `[app-kill] applied before kill ${appliedBeforeKill}, total reported ${reported.length} of 230, duplicates ${twice.length}`,
  );
}, 150_000);
