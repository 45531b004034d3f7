import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { futureWeekdayAt } from '../support/sandbox/sandbox-test-kit';
import { launchApp } from './electron-app';
import type { LaunchedApp } from './electron-app';
import { createBooking, listEventTypes } from './sandbox-http';

/**
 * Issue 21 on a real Electron: the paths the unit tests over the glue (main/electron/main-process.test.ts) can only
 * model with a fake `app`. Runs only where Electron exists (`npm run test:electron`).
 */
const root = resolve(import.meta.dirname, '../..');
let launched: LaunchedApp | undefined;
test.afterEach(async () => {
  await launched?.stop();
  launched = undefined;
});

const hashOf = (page: Page) => new URL(page.url()).hash;

test('the renderer is sandboxed (getLastWebPreferences), permissions are denied, app:// traversal is 404', async () => {
  launched = await launchApp();
  const { app, window } = launched;
  // getLastWebPreferences() is not in Electron 45's typings (still present at run time in the versions that had it):
  // read it where it exists, else fall back to the OS-level answer of app.getAppMetrics() for the renderer.
  const sandbox = await app.evaluate(({ app: electronApp, BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as {
      getLastWebPreferences?: () => { sandbox?: boolean } | null;
      getOSProcessId(): number;
    };
    if (contents.getLastWebPreferences) return contents.getLastWebPreferences()?.sandbox;
    return electronApp.getAppMetrics().find((m) => m.pid === contents.getOSProcessId())?.sandboxed;
  });
  expect(sandbox).toBe(true);
  expect(await window.evaluate(() => Notification.requestPermission())).toBe('denied');
  const statuses = await window.evaluate(async () => {
    const urls = [
      'app://renderer/..%2f..%2fpackage.json',
      'app://renderer/%2e%2e/%2e%2e/package.json',
      'app://renderer/..\\..\\package.json',
      'app://other/index.html',
    ];
    return Promise.all(
      urls.map((u) =>
        fetch(u).then(
          (r) => r.status,
          () => 404,
        ),
      ),
    );
  });
  expect(statuses).toEqual([404, 404, 404, 404]);
});

test('IPC from a page of another origin is refused even with the preload', async () => {
  launched = await launchApp();
  const answer = await launched.app.evaluate(
    async ({ BrowserWindow }, preload) => {
      const other = new BrowserWindow({
        show: false,
        webPreferences: { preload, sandbox: true, contextIsolation: true },
      });
      await other.loadURL('data:text/html,<p>elsewhere</p>');
      const result: unknown = await other.webContents.executeJavaScript(
        'window.lifescore ? window.lifescore.getState({}) : "no bridge"',
      );
      other.destroy();
      return result;
    },
    join(root, 'out/preload/index.cjs'),
  );
  expect(
    answer === 'no bridge' || (answer as { ok: boolean; error: { code: string } }).error.code === 'forbidden',
  ).toBe(true);
});

test('cold start with a booking link in argv opens that booking once the page is ready', async () => {
  launched = await launchApp({ args: ['lifescore-dev://bookings/cold-start-uid'] });
  await expect.poll(() => hashOf(launched!.window), { timeout: 30_000 }).toBe('#/bookings/cold-start-uid');
});

test('a booking deep link handed over by a second instance opens the booking', async () => {
  launched = await launchApp();
  const { window, stack } = launched;
  const sixty = (await listEventTypes(stack.sandboxUrl, 'dana-reyes')).find((e) => e.lengthInMinutes === 60);
  const uid = sixty
    ? await createBooking(stack.sandboxUrl, {
        username: 'dana-reyes',
        eventTypeSlug: sixty.slug,
        start: futureWeekdayAt(15, 2),
        attendee: { name: 'Sam Lee', email: 'sam@example.net', timeZone: 'UTC' },
      })
    : 'some-uid';
  const handed = await launched.openDeepLink(`lifescore-dev://bookings/${uid}`);
  expect(handed.code).toBe(0);
  await expect.poll(() => hashOf(window), { timeout: 30_000 }).toBe(`#/bookings/${uid}`);
});

test('open-url after the window exists, and (macOS) with no window: a window opens and shows the booking', async () => {
  launched = await launchApp();
  const { app, window } = launched;
  await app.evaluate(
    ({ app: electronApp }) =>
      void electronApp.emit('open-url', { preventDefault: () => undefined }, 'lifescore-dev://bookings/after-window'),
  );
  await expect.poll(() => hashOf(window), { timeout: 30_000 }).toBe('#/bookings/after-window');
  test.skip(process.platform !== 'darwin', 'only macOS keeps running with every window closed');
  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().forEach((w) => w.close()));
  const next = app.waitForEvent('window');
  await app.evaluate(
    ({ app: electronApp }) =>
      void electronApp.emit('open-url', { preventDefault: () => undefined }, 'lifescore-dev://bookings/no-window'),
  );
  const reopened = await next;
  await expect.poll(() => hashOf(reopened), { timeout: 30_000 }).toBe('#/bookings/no-window');
});

test('quitting runs core.stop() and exits within its deadline', async () => {
  launched = await launchApp();
  const started = Date.now();
  await launched.app.close();
  expect(Date.now() - started).toBeLessThan(5_000);
});

test('packaged variant: isPackaged, asar, the real scheme, baked release config', async () => {
  // electron-builder --dir with the inspect fuse kept on (Playwright starts Electron with --inspect=0).
  const release = spawnSync('npm', ['run', 'build:release'], {
    cwd: root,
    env: {
      ...process.env,
      CALCOM_CLIENT_ID: 'smoke-client',
      CALCOM_APP_URL: 'http://127.0.0.1:5555',
      CALCOM_API_URL: 'http://127.0.0.1:5555',
      CALCOM_REDIRECT_URI: 'lifescore://calcom/callback',
      RELAY_URL: 'http://127.0.0.1:5001',
    },
    stdio: 'inherit',
  });
  expect(release.status).toBe(0);
  const pack = spawnSync(
    'npx',
    [
      'electron-builder',
      '--dir',
      '--config',
      'electron-builder.yml',
      '-c.electronFuses.enableNodeCliInspectArguments=true',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  expect(pack.status).toBe(0);
  const unpacked = readdirSync(join(root, 'dist')).find(
    (d) => d.endsWith('-unpacked') || d === 'mac' || d === 'mac-arm64',
  );
  expect(unpacked).toBeTruthy();
  const dir = join(root, 'dist', unpacked!);
  const exe = readdirSync(dir)
    .map((f) => join(dir, f))
    .find((f) => /lifescore-consultant(\.exe)?$|LifeScore Consultant(\.exe)?$/.test(f));
  expect(exe && existsSync(exe)).toBeTruthy();
  launched = await launchApp({ executablePath: exe! });
  const facts = await launched.app.evaluate(({ app }) => ({
    packaged: app.isPackaged,
    appPath: app.getAppPath(),
    isDefault: app.isDefaultProtocolClient('lifescore'),
  }));
  expect(facts.packaged).toBe(true);
  expect(facts.appPath).toMatch(/app\.asar$/);
  await expect(launched.window.getByRole('button', { name: 'Connect Cal.com' })).toBeVisible({ timeout: 30_000 });
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' }); // back to the development build
});
