import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { freePort } from '../support/app/connect-harness';
import { startDevStack, startHostedApp } from '../../scripts/dev-stack';
import type { RunningHost } from '../../main/host/run-host';
import type { DevStack } from '../../scripts/dev-stack';
import type { SyncTuning } from '../../main/core/sync/sync-engine';

/** URLs the app asked the OS to open in the system browser; tests open them in a second page like a user would. */
export class ExternalBrowser {
  private readonly urls: string[] = [];
  private waiters: Array<(url: string) => void> = [];

  readonly open = async (url: string): Promise<void> => {
    const waiter = this.waiters.shift();
    if (waiter) waiter(url);
    else this.urls.push(url);
  };

  /** The next URL the app opens (already opened ones first). */
  next(timeoutMs = 10_000): Promise<string> {
    const queued = this.urls.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the app did not open a URL in the system browser')), timeoutMs);
      this.waiters.push((url) => {
        clearTimeout(timer);
        resolve(url);
      });
    });
  }
}

export interface E2eStack {
  readonly stack: DevStack;
  readonly app: RunningHost;
  readonly browser: ExternalBrowser;
  stop(): Promise<void>;
}

/** The whole product on loopback with fresh data (`relayEnv`: e.g. RELAY_APPROVAL=manual; `syncTuning`: shorter sync thresholds), its own keychain service name, and ephemeral ports. */
export async function startE2eStack(
  options: { readonly relayEnv?: Readonly<Record<string, string>>; readonly syncTuning?: SyncTuning } = {},
): Promise<E2eStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifescore-e2e-'));
  const stack = await startDevStack({
    dataDir,
    loopbackPort: await freePort(),
    ...(options.relayEnv ? { relayEnv: options.relayEnv } : {}),
  });
  const browser = new ExternalBrowser();
  const app = await startHostedApp(stack, {
    keychainService: `LifeScore Consultant e2e ${randomBytes(6).toString('hex')}`,
    openExternal: browser.open,
    ...(options.syncTuning ? { syncTuning: options.syncTuning } : {}),
  });
  return {
    stack,
    app,
    browser,
    async stop() {
      await app.stop();
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
      // Work the core started before stop may still log a line; an empty folder takes it instead of an ENOENT that
      // would fail whichever test runs next in this worker. The folder goes when the worker exits.
      mkdirSync(dataDir, { recursive: true });
      process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
    },
  };
}

/** The folder every run writes its screen screenshots to (CI keeps test-results/). */
export const SCREENS_DIR = resolve(import.meta.dirname, '..', '..', 'test-results', 'screens');

/**
 * Connects Cal.com as `username` through the real path: Connect in the app, the consent page in a second tab (as the
 * "system browser" would open it), Allow, and back to "Connected as". Tabs the page opened itself are closed again.
 */
export async function connectAs(
  page: Page,
  e2e: E2eStack,
  username: string,
  options: { readonly buttonName?: string | RegExp } = {},
): Promise<void> {
  if (!page.url().startsWith(e2e.app.host.url)) await page.goto(e2e.app.host.url);
  const button = page.getByRole('button', { name: options.buttonName ?? 'Connect Cal.com' });
  await expect(button).toBeEnabled();
  await button.click();
  await allowInBrowser(page, e2e, username);
  await expect(page.getByText('Connected as')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('status').filter({ hasText: username })).toBeVisible();
}

/** Answers the consent page the app opened last: signs in as `username` and chooses Allow (or Deny). */
export async function allowInBrowser(
  page: Page,
  e2e: E2eStack,
  username: string,
  answer: 'Allow' | 'Deny' = 'Allow',
): Promise<void> {
  const context = page.context();
  const authorizeUrl = await e2e.browser.next();
  await closeOtherTabs(page);
  const consent = await context.newPage();
  await consent.goto(authorizeUrl);
  await consent.getByLabel('Sign in as').selectOption(username);
  await consent.getByRole('button', { name: answer }).click();
  if (answer === 'Allow') await expect(consent.getByText(/return to LifeScore/i)).toBeVisible();
  else await consent.waitForLoadState();
  await consent.close();
}

/** Closes every tab of the context but `page` (the app opens Cal.com pages in new tabs in the browser host). */
export async function closeOtherTabs(page: Page): Promise<void> {
  for (const other of page.context().pages()) if (other !== page) await other.close();
}

/** Writes `test-results/screens/<name>.png` (the whole page). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  // Let fonts and the last animation frame settle; full page so nothing below the fold is missed.
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Runs axe-core on the page (WCAG 2.x A/AA and best practices) and fails on serious or critical violations. */
export async function expectNoSeriousA11yViolations(page: Page, screen: string): Promise<void> {
  // Legacy mode runs axe in the page itself; the default opens an extra blank page per check, which costs seconds on CI.
  const results = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')} ${n.failureSummary?.replace(/\n/g, ' ') ?? ''}`).join('\n')}`,
    )
    .join('\n');
  expect(serious, `axe on ${screen}:\n${report}`).toEqual([]);
}

/** Presses Tab until the element matching `locator` has focus (fails after `max` presses): proves it is keyboard reachable. */
export async function tabTo(page: Page, locator: Locator, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await locator.evaluate((el) => el === document.activeElement).catch(() => false)) return;
  }
  throw new Error(`${String(locator)} was not reached with ${max} Tab presses`);
}

/**
 * A regex source for how the app writes the time of `iso` in `timeZone` for en-US ("10:00 AM"), with `zone` followed by
 * the zone's short name ("10:00 AM CST"), so tests hold in summer and winter time alike. Any kind of space matches
 * (ICU may put a narrow no-break space before AM/PM).
 */
export function timePattern(iso: string, timeZone: string, options: { readonly zone?: boolean } = {}): string {
  const date = new Date(iso);
  const time = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', timeZone }).format(date);
  const zone = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName')?.value;
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s');
  return options.zone && zone ? `${escape(time)}\\s${escape(zone)}` : escape(time);
}
