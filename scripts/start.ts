/**
 * `npm start`: with no Cal.com client configured, runs the sandbox, the relay and the desktop app on loopback
 * (DESIGN.md §7). The app runs in Electron when Electron can start here, otherwise in the browser host.
 *
 * better-sqlite3's native addon is built for one runtime at a time: for Node after `npm install` (tests, browser
 * host), for Electron after `npm run rebuild:electron`. In Electron mode the sandbox and relay therefore run in a
 * child process on Electron's own Node (ELECTRON_RUN_AS_NODE), like the app itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hasRealCalcomConfig } from '../main/core/config/app-config';
import { createNapiKeychain } from '../main/core/keychain/napi-keychain';
import { startDevStack, startHostedApp } from './dev-stack';
import type { DevStackOptions } from './dev-stack';
import { findElectronBinary, launchElectron, probeElectronSqlite } from './electron-launch';
import { startStackProcess } from './stack-client';

const root = resolve(import.meta.dirname, '..');
const dataDir = join(root, '.lifescore-dev');
const KEYCHAIN_SERVICE = 'LifeScore Consultant (development)';
const stackOptions: DevStackOptions = { dataDir, sandboxPort: 5555, relayPort: 5001, persistSandbox: true };

if (existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));

/** The OS keychain must answer; on a desktop-less Linux session, re-run inside a private, persistent gnome-keyring. */
async function ensureKeychain(): Promise<void> {
  try {
    await createNapiKeychain(KEYCHAIN_SERVICE).get('startup-probe');
  } catch (err) {
    if (process.platform !== 'linux' || process.env.LIFESCORE_PRIVATE_KEYRING) throw err;
    console.log(
      'No Secret Service (OS keychain) on this session: starting a private gnome-keyring, kept in .lifescore-dev/keyring.',
    );
    const result = spawnSync(
      'bash',
      [join(root, 'scripts/with-keyring.sh'), process.execPath, ...process.execArgv, ...process.argv.slice(1)],
      {
        stdio: 'inherit',
        env: { ...process.env, LIFESCORE_KEYRING_DIR: join(dataDir, 'keyring') },
      },
    );
    process.exit(result.status ?? 1);
  }
}

function build(): void {
  console.log('Building the app (electron-vite build)…');
  execFileSync(join(root, 'node_modules/.bin/electron-vite'), ['build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function printStack(sandboxUrl: string, relayUrl: string, mailDestination: string): void {
  console.log(`Cal.com sandbox  ${sandboxUrl}   (consultant login: dana-reyes; admin page: ${sandboxUrl}/_sandbox)`);
  console.log(`Relay            ${relayUrl}`);
  console.log(`Emails           ${mailDestination}`);
  console.log(`Data             ${dataDir}   (logs: relay.log, app.log)`);
}

function onSignal(stop: () => Promise<void>): void {
  const handler = () => void stop().finally(() => process.exit(0));
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

/** Sandbox + relay on Electron's Node, then the Electron app against them. */
async function runWithElectron(electronPath: string): Promise<void> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const stack = await startStackProcess(
    { command: electronPath, env: { ...env, ELECTRON_RUN_AS_NODE: '1' } },
    stackOptions,
  );
  printStack(stack.sandboxUrl, stack.relayUrl, stack.mailDestination);
  onSignal(() => stack.stop());
  try {
    const { exited } = await launchElectron(electronPath, root, stack.appEnv);
    console.log('Desktop app      Electron window');
    await exited;
  } catch (err) {
    console.error(`\nElectron could not start here (${(err as Error).message}).`);
    console.error(
      'The browser host runs under Node, which needs better-sqlite3 built for Node: `npm run rebuild:node`, then `npm start`.',
    );
    process.exitCode = 1;
  }
  await stack.stop();
}

/** Everything in this Node process: sandbox, relay, and the app's core behind the browser host. */
async function runInBrowserHost(): Promise<void> {
  console.log('Running the desktop app in the browser host instead: the same core and renderer, served on loopback.\n');
  const stack = await startDevStack(stackOptions).catch((err: Error) => {
    if (/NODE_MODULE_VERSION/.test(err.message)) {
      throw new Error('better-sqlite3 is built for Electron, not Node: run `npm run rebuild:node`, then `npm start`.');
    }
    throw err;
  });
  printStack(stack.sandbox.url, stack.relay.url, stack.relay.mailDestination);
  const hosted = await startHostedApp(stack, { hostPort: 5180 }).catch(async (err: unknown) => {
    await stack.stop();
    throw err;
  });
  onSignal(async () => {
    await hosted.stop();
    await stack.stop();
  });
  console.log(`\nDesktop app      ${hosted.host.url}`);
  console.log('Open that exact URL in a browser (the key in it keeps other pages out). Ctrl+C stops everything.');
}

async function main(): Promise<void> {
  if (hasRealCalcomConfig(process.env)) {
    build();
    const electron = findElectronBinary(root);
    if (!electron.ok)
      throw new Error(
        `Real Cal.com is configured, but ${electron.reason}. The browser host is for development with the sandbox only.`,
      );
    const { exited } = await launchElectron(electron.path, root, {});
    process.exit(await exited);
  }

  await ensureKeychain();
  build();
  const electron = findElectronBinary(root);
  if (electron.ok) {
    const sqlite = probeElectronSqlite(electron.path, root);
    if (sqlite.ok) return runWithElectron(electron.path);
    console.log(
      '\nElectron is installed, but better-sqlite3 is built for Node: run `npm run rebuild:electron` to use the Electron app',
    );
    console.log('(and `npm run rebuild:node` before `npm test`).');
  } else {
    console.log(`\nElectron can't run on this machine: ${electron.reason}.`);
  }
  await runInBrowserHost();
}

main().catch((err: unknown) => {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
