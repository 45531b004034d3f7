/**
 * `npm start`: with no Cal.com client configured, runs the sandbox, the relay and the desktop app on loopback
 * (DESIGN.md §7). The app runs in Electron when Electron can start here, otherwise in the browser host.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hasRealCalcomConfig } from '../main/core/config/app-config';
import { createNapiKeychain } from '../main/core/keychain/napi-keychain';
import { startDevStack, startHostedApp } from './dev-stack';
import { findElectronBinary, launchElectron } from './electron-launch';

const root = resolve(import.meta.dirname, '..');
const dataDir = join(root, '.lifescore-dev');
const KEYCHAIN_SERVICE = 'LifeScore Consultant (development)';

if (existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));

/** The OS keychain must answer; on a desktop-less Linux session, re-run inside a private, persistent gnome-keyring. */
async function ensureKeychain(): Promise<void> {
  try {
    await createNapiKeychain(KEYCHAIN_SERVICE).get('startup-probe');
  } catch (err) {
    if (process.platform !== 'linux' || process.env.LIFESCORE_PRIVATE_KEYRING) throw err;
    console.log('No Secret Service (OS keychain) on this session: starting a private gnome-keyring, kept in .lifescore-dev/keyring.');
    const result = spawnSync('bash', [join(root, 'scripts/with-keyring.sh'), process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, LIFESCORE_KEYRING_DIR: join(dataDir, 'keyring') },
    });
    process.exit(result.status ?? 1);
  }
}

function build(): void {
  console.log('Building the app (electron-vite build)…');
  execFileSync(join(root, 'node_modules/.bin/electron-vite'), ['build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function main(): Promise<void> {
  if (hasRealCalcomConfig(process.env)) {
    build();
    const electron = findElectronBinary(root);
    if (!electron.ok) throw new Error(`Real Cal.com is configured, but ${electron.reason}. The browser host is for development with the sandbox only.`);
    const { exited } = await launchElectron(electron.path, root, {});
    process.exit(await exited);
  }

  await ensureKeychain();
  build();
  const electron = findElectronBinary(root);
  const stack = await startDevStack({ dataDir, sandboxPort: 5555, relayPort: 5001, persistSandbox: true });
  console.log(`Cal.com sandbox  ${stack.sandbox.url}   (consultant login: dana-reyes)`);
  console.log(`Relay            ${stack.relay.url}`);
  console.log(`Emails           ${stack.relay.mailDestination}   (no SMTP_URL: .eml files)`);
  console.log(`Data             ${dataDir}   (logs: relay.log, app.log)`);

  const shutdown = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  if (electron.ok) {
    try {
      const { exited } = await launchElectron(electron.path, root, stack.appEnv);
      console.log('Desktop app      Electron window');
      await exited;
      await shutdown();
      return;
    } catch (err) {
      console.log(`\nElectron could not start here (${(err as Error).message}).`);
    }
  } else {
    console.log(`\nElectron can't run on this machine: ${electron.reason}.`);
  }

  console.log('Running the desktop app in the browser host instead: the same core and renderer, served on loopback.');
  const hosted = await startHostedApp(stack, { hostPort: 5180 });
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  const stopHosted = async () => {
    await hosted.stop();
    await shutdown();
  };
  process.on('SIGINT', stopHosted);
  process.on('SIGTERM', stopHosted);
  console.log(`\nDesktop app      ${hosted.host.url}`);
  console.log('Open that exact URL in a browser (the key in it keeps other pages out). Ctrl+C stops everything.');
}

main().catch((err: unknown) => {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
