import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { freePort } from '../support/app/connect-harness';
import { keychainAccounts } from '../../main/core/keychain/keychain-accounts';
import { createNapiKeychain } from '../../main/core/keychain/napi-keychain';
import { findElectronBinary } from '../../scripts/electron-launch';
import { secondInstanceArgs } from './deep-link-handoff';
import { electronPreflight } from './preflight';
import { startStackProcess } from '../../scripts/stack-client';
import type { StackProcess } from '../../scripts/stack-client';

const root = resolve(import.meta.dirname, '../..');

/** The global the openExternal stub records into, inside Electron's main process. */
const OPENED = '__lifescoreSmokeOpened';

export interface LaunchedApp {
  readonly app: ElectronApplication;
  readonly window: Page;
  readonly stack: StackProcess;
  /** Stops the app's openExternal from reaching the system browser; URLs are recorded instead. */
  interceptOpenExternal(): Promise<void>;
  /** The next URL the app asked the OS to open (after interceptOpenExternal). */
  nextExternalUrl(timeoutMs?: number): Promise<string>;
  /** Starts a second Electron process with `link` on its command line, as the OS does for a lifescore-dev:// link. */
  openDeepLink(link: string): Promise<{ code: number | null; output: string }>;
  stop(): Promise<void>;
}

/** This process's environment as strings (`_electron.launch` and spawn take `env` as the whole environment). */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env.ELECTRON_RUN_AS_NODE; // would start Node, not the app
  delete env.CALCOM_CLIENT_ID; // a real Cal.com client in the shell must not replace the sandbox
  delete env.ELECTRON_RENDERER_URL; // the built renderer, never a dev server
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * The built app (out/main/index.js, run as `electron .`) against a fresh sandbox and relay, with its userData in
 * a temp folder and a keychain service of its own, so nothing of the developer's own dev profile is touched.
 */
export async function launchApp(
  options: {
    readonly args?: readonly string[];
    readonly executablePath?: string;
    readonly env?: Record<string, string>;
  } = {},
): Promise<LaunchedApp> {
  const preflight = electronPreflight({
    binary: findElectronBinary(root),
    platform: process.platform,
    env: process.env,
    isRoot: process.getuid?.() === 0,
  });
  if (!preflight.ok) throw new Error(preflight.message);

  const dataDir = mkdtempSync(join(tmpdir(), 'lifescore-electron-'));
  const keychainService = `LifeScore Consultant electron-smoke ${randomBytes(6).toString('hex')}`;
  const cleanup = async () => {
    const keychain = createNapiKeychain(keychainService);
    for (const account of Object.values(keychainAccounts)) await keychain.delete(account).catch(() => false);
    rmSync(dataDir, { recursive: true, force: true });
  };

  // The relay runs on Electron's Node: it shares better-sqlite3 (built for Electron) with the app.
  const stack = await startStackProcess(
    { command: preflight.executablePath, env: { ...inheritedEnv(), ELECTRON_RUN_AS_NODE: '1' } },
    { dataDir: join(dataDir, 'stack'), loopbackPort: await freePort() },
  );
  const env = {
    ...inheritedEnv(),
    ...stack.appEnv,
    LIFESCORE_USER_DATA_DIR: join(dataDir, 'user-data'),
    LIFESCORE_KEYCHAIN_SERVICE: keychainService,
    ...options.env,
  };

  let app: ElectronApplication;
  let window: Page;
  try {
    // executablePath: never let Playwright require('electron'), which would try to download the binary.
    // A packaged variant starts its own executable with no app folder; `electron .` otherwise. Extra args (a link) last.
    const args = options.executablePath
      ? [...preflight.switches, ...(options.args ?? [])]
      : ['.', ...preflight.switches, ...(options.args ?? [])];
    app = await _electron.launch({
      executablePath: options.executablePath ?? preflight.executablePath,
      args,
      cwd: root,
      env,
      timeout: 60_000,
    });
    window = await app.firstWindow({ timeout: 60_000 });
  } catch (err) {
    await stack.stop();
    await cleanup();
    throw err;
  }

  return {
    app,
    window,
    stack,
    async interceptOpenExternal() {
      await app.evaluate(({ shell }, key) => {
        const opened: string[] = [];
        (globalThis as Record<string, unknown>)[key] = opened;
        shell.openExternal = async (url: string) => void opened.push(url);
      }, OPENED);
    },
    async nextExternalUrl(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const url = await app.evaluate(
          (_electronModule, key) => ((globalThis as Record<string, unknown>)[key] as string[] | undefined)?.shift(),
          OPENED,
        );
        if (url) return url;
        if (Date.now() > deadline) throw new Error('the app did not open a URL in the system browser');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    openDeepLink(link) {
      return new Promise((resolvePromise, reject) => {
        const child = spawn(preflight.executablePath, secondInstanceArgs(preflight.switches, link), {
          cwd: root,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
        const timer = setTimeout(() => {
          child.kill();
          reject(new Error(`the second instance did not hand over the link and exit within 30 s:\n${output}`));
        }, 30_000);
        child.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolvePromise({ code, output });
        });
      });
    },
    async stop() {
      await app.close().catch(() => undefined);
      await stack.stop();
      await cleanup();
    },
  };
}
