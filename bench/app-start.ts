import { fork, spawn } from 'node:child_process';
import { bookingDbDir } from './booking-db';
import { bundleChild } from './bundle';
import type { BenchContext, BenchResult, Figure } from './report';
import { childNodeArgs, repoRoot } from './server-process';
import { median } from './stats';

/**
 * 6. App start: wall clock from spawning a process to the main core being ready (database opened and migrated,
 * first getState/countBookings/listBookings answered) over N bookings. The core runs bundled, as the shipped main
 * process does, not through tsx's on-the-fly compiler. Baseline: `node -e 0`, spawned and timed to exit.
 */

interface ReadyMessage {
  readonly type: 'ready';
  readonly loadedMs: number;
  readonly coreStartedMs: number;
  readonly readyMs: number;
  readonly rows: number;
  readonly total: number;
}

/** One app start: spawn → ready message. */
function startOnce(script: string, dataDir: string): Promise<{ wallMs: number; ready: ReadyMessage }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = fork(script, [dataDir], {
      cwd: repoRoot,
      execArgv: childNodeArgs(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let ready: ReadyMessage | undefined;
    let wallMs = Number.NaN;
    child.on('message', (msg: ReadyMessage) => {
      if (msg.type !== 'ready') return;
      wallMs = performance.now() - t0;
      ready = msg;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (ready) resolve({ wallMs, ready });
      else reject(new Error(`app-start child exited (${code}) without becoming ready`));
    });
  });
}

/** One `node -e 0`: spawn → exit. */
function nodeOnce(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(performance.now() - t0));
  });
}

/** Runs the app-start bench. */
export async function benchAppStart(ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now();
  const n = ctx.quick ? 10_000 : 100_000;
  const runs = ctx.quick ? 3 : 7;
  const dataDir = bookingDbDir(ctx.workDir, n, ctx.log);
  const script = await bundleChild('app-start-child');
  ctx.log(`app start: ${runs} runs over ${n.toLocaleString('en-US')} bookings`);
  // One run of each first, unmeasured: the OS file cache and the first completion sweep are not what we time.
  await startOnce(script, dataDir);
  await nodeOnce();
  const app: { wallMs: number; ready: ReadyMessage }[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    app.push(await startOnce(script, dataDir));
    bare.push(await nodeOnce());
  }
  const figures: Figure[] = [
    {
      name: `App start to ready (${n.toLocaleString('en-US')} bookings), median`,
      value: median(app.map((a) => a.wallMs)),
      unit: 'ms',
      baseline: median(bare),
      baselineLabel: '`node -e 0` process start to exit',
      target: { op: '<=', value: 1000, on: 'value' },
    },
  ];
  return {
    bench: 'app-start',
    title: 'App start',
    figures,
    details: {
      bookings: n,
      runs: app.map((a) => ({ wallMs: Math.round(a.wallMs), ...a.ready })),
      nodeE0Ms: bare.map(Math.round),
      ready:
        'core.start() resolved and getState, countBookings, listBookings(upcoming, 200) answered; not connected (no sync engine)',
    },
    seconds: (performance.now() - started) / 1000,
  };
}
