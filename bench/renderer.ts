import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { runBrowserHost } from '../main/host/run-host';
import { chromiumLaunchOptions } from '../tests/e2e/chromium';
import { bookingDbDir } from './booking-db';
import type { BenchContext, BenchResult, Figure } from './report';
import { repoRoot } from './server-process';
import { percentile, summarize } from './stats';

/**
 * 5b. Renderer: the real Bookings screen (built renderer, browser host, the same core over the N-booking database,
 * an in-memory keychain since nothing here is connected) in Debian's Chromium. Time to first rows: from navigation
 * start to the first booking row in the DOM (the screen opens on Upcoming). Frame time: each frame's main-thread work
 * while the All tab's list (all N bookings) scrolls 100 px a frame (pages of 200 load as it goes); rAF deltas alone
 * can't show it, headless Chromium paces them at 60 Hz.
 * Baselines: the same screen over 100 bookings; the same frame measure while idle.
 */

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Runs in the page before the app: notes when the first booking row enters the DOM (the figure), and when the frame
 * that first shows it is done (style, layout and paint: the "after frame" technique), reported in the details.
 */
const FIRST_ROWS_PROBE = `
  new MutationObserver((_, obs) => {
    if (document.querySelector('.booking-row[data-uid]')) {
      window.__firstRows = performance.now();
      obs.disconnect();
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => { window.__firstRowsPainted = performance.now(); };
        ch.port2.postMessage(0);
      });
    }
  }).observe(document, { childList: true, subtree: true });
`;

/**
 * Per-frame main-thread work: from the frame's scroll event (a capture listener on document runs before the list's
 * own) — or its rAF callback when idle — to a message posted from rAF, which runs once the frame's style, layout and
 * paint are done (the "after frame" technique). Also the rAF deltas, which headless Chromium pins to 60 Hz.
 */
const scrollScript = (idle: number, frames: number) => `(async () => {
  const list = document.querySelector('.booking-list');
  if (!list) throw new Error('no .booking-list');
  let scrollAt = null;
  document.addEventListener('scroll', () => { if (scrollAt === null) scrollAt = performance.now(); }, { capture: true });
  const raf = () => new Promise((r) => requestAnimationFrame(r));
  const afterFrame = () => new Promise((r) => { const ch = new MessageChannel(); ch.port1.onmessage = () => r(performance.now()); ch.port2.postMessage(0); });
  const measure = async (count, step) => {
    const work = [];
    const deltas = [];
    let last = await raf();
    for (let i = 0; i < count; i++) {
      if (step) list.scrollTop += step;
      scrollAt = null;
      const t = await raf();
      const from = scrollAt ?? t;
      work.push((await afterFrame()) - from);
      deltas.push(t - last);
      last = t;
    }
    return { work, deltas };
  };
  const idle = await measure(${idle}, 0);
  const scroll = await measure(${frames}, 100);
  return { idle: idle.work, scroll: scroll.work, idleDeltas: idle.deltas, scrollDeltas: scroll.deltas, scrollTop: list.scrollTop };
})()`;

const traceCategories = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'blink.user_timing',
  'v8.execute',
];

interface PageRun {
  readonly firstRowsMs: number;
  readonly firstRowsPaintedMs: number;
  readonly idle: number[];
  readonly scroll: number[];
  readonly idleDeltas: number[];
  readonly scrollDeltas: number[];
  readonly scrollTop: number;
}

async function measurePage(browser: Browser, dataDir: string, frames: number, listed: number): Promise<PageRun> {
  const running = await runBrowserHost({
    root: repoRoot,
    logger: quiet,
    env: {
      LIFESCORE_KEYCHAIN: 'memory',
      LIFESCORE_DATA_DIR: dataDir,
      SANDBOX_URL: 'http://127.0.0.1:5555',
      RELAY_URL: 'http://127.0.0.1:5001',
      ...(process.env.LIFESCORE_RENDERER_DIR ? { LIFESCORE_RENDERER_DIR: process.env.LIFESCORE_RENDERER_DIR } : {}),
    },
  });
  // bypassCSP: the renderer's CSP (script-src 'self') forbids the string scripts the probes are written as.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  try {
    const page = await context.newPage();
    await page.addInitScript(FIRST_ROWS_PROBE);
    await page.goto(`${running.host.url}#/bookings`);
    await page.waitForFunction('window.__firstRowsPainted !== undefined', undefined, { timeout: 30_000 });
    const firstRowsMs = (await page.evaluate('window.__firstRows')) as number;
    const firstRowsPaintedMs = (await page.evaluate('window.__firstRowsPainted')) as number;
    if (frames === 0)
      return { firstRowsMs, firstRowsPaintedMs, idle: [], scroll: [], idleDeltas: [], scrollDeltas: [], scrollTop: 0 };
    // Scroll the All tab, whose list holds every booking (the screen opens on Upcoming, about a third of them).
    await page.getByRole('tab', { name: 'All', exact: true }).click();
    await page.waitForSelector(`[aria-label="Bookings, ${listed} in all"] .booking-row[data-uid]`, { timeout: 30_000 });
    // BENCH_PROFILE_DIR: the renderer's own CPU profile of the scroll, through the DevTools protocol.
    const profileDir = process.env.BENCH_PROFILE_DIR;
    const cdp = profileDir ? await context.newCDPSession(page) : undefined;
    await cdp?.send('Profiler.enable');
    await cdp?.send('Profiler.start');
    // BENCH_TRACE_DIR: a Chromium performance trace of the scroll (style, layout, paint per frame), for DevTools.
    const traceDir = process.env.BENCH_TRACE_DIR;
    const tracePath = traceDir ? join(resolve(traceDir), `renderer-scroll-${Date.now()}.json`) : undefined;
    if (traceDir) mkdirSync(resolve(traceDir), { recursive: true });
    if (tracePath) await browser.startTracing(page, { path: tracePath, categories: traceCategories });
    const r = (await page.evaluate(scrollScript(Math.min(120, frames), frames))) as Omit<
      PageRun,
      'firstRowsMs' | 'firstRowsPaintedMs'
    >;
    if (tracePath) await browser.stopTracing();
    if (cdp && profileDir) {
      const { profile } = await cdp.send('Profiler.stop');
      mkdirSync(resolve(profileDir), { recursive: true });
      writeFileSync(join(resolve(profileDir), `renderer-scroll-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    }
    return { firstRowsMs, firstRowsPaintedMs, ...r };
  } finally {
    await context.close();
    await running.stop();
  }
}

/** Runs the renderer bench. */
export async function benchRenderer(ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now();
  const n = 10_000;
  const frames = ctx.quick ? 120 : 900;
  const rendererDir = process.env.LIFESCORE_RENDERER_DIR ?? join(repoRoot, 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`no built renderer in ${rendererDir}: run \`npx electron-vite build\` first`);
  }
  const small = bookingDbDir(ctx.workDir, 100, ctx.log);
  const big = bookingDbDir(ctx.workDir, n, ctx.log);
  const base = chromiumLaunchOptions();
  const browser = await chromium.launch(base);
  let smallRun: PageRun;
  let bigRun: PageRun;
  try {
    ctx.log('renderer: Bookings screen, 100 bookings');
    smallRun = await measurePage(browser, small, 0, 100);
    ctx.log(`renderer: Bookings screen, ${n.toLocaleString('en-US')} bookings, ${frames} scrolled frames`);
    bigRun = await measurePage(browser, big, frames, n);
  } finally {
    await browser.close();
  }
  const figures: Figure[] = [
    {
      name: `Bookings screen: time to first rows (${n.toLocaleString('en-US')})`,
      value: bigRun.firstRowsMs,
      unit: 'ms',
      baseline: smallRun.firstRowsMs,
      baselineLabel: 'the same screen, same browser, over 100 bookings',
    },
    {
      name: 'Bookings screen: frame time p95 while scrolling',
      value: percentile(bigRun.scroll, 95),
      unit: 'ms',
      baseline: percentile(bigRun.idle, 95),
      baselineLabel: 'the same per-frame measure on the same page while idle',
      target: { op: '<=', value: 16, on: 'value' },
    },
  ];
  return {
    bench: 'renderer',
    title: 'Renderer',
    figures,
    details: {
      bookings: n,
      scrolledList: `the All tab (${n.toLocaleString('en-US')} rows)`,
      scrolledFrames: bigRun.scroll.length,
      scrolledPx: bigRun.scrollTop,
      scroll: summarize(bigRun.scroll),
      idle: summarize(bigRun.idle),
      framesOver16_7ms: bigRun.scroll.filter((d) => d > 1000 / 60).length,
      rafDeltas: {
        scroll: summarize(bigRun.scrollDeltas),
        idle: summarize(bigRun.idleDeltas),
        note: 'headless Chromium paces rAF at 60 Hz whatever the flags',
      },
      firstRowsMs: { big: bigRun.firstRowsMs, small: smallRun.firstRowsMs },
      firstRowsPaintedMs: { big: bigRun.firstRowsPaintedMs, small: smallRun.firstRowsPaintedMs },
      chromium: `${base.executablePath} headless`,
    },
    seconds: (performance.now() - started) / 1000,
  };
}
