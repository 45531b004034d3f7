import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createNapiKeychain } from '../../main/core/keychain/napi-keychain';
import { findElectronBinary, probeElectronSqlite } from '../../scripts/electron-launch';
import { electronPreflight, keychainMissingMessage, nativeModuleMessage } from './preflight';

const root = resolve(import.meta.dirname, '../..');

/** Thrown instead of an Error so the report shows one plain sentence, not a stack into this file. */
class NotRunnable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotRunnable';
    this.stack = `${this.name}: ${message}`;
  }
}

/**
 * `npm run test:electron`, before any test: can Electron run here (else fail, saying why), does better-sqlite3
 * load in Electron's Node, does the OS keychain answer (the app keeps tokens there); then build out/ with
 * electron-vite so the suite tests today's sources.
 */
// eslint-disable-next-line no-restricted-syntax -- Playwright loads globalSetup through its default export
export default async function globalSetup(): Promise<void> {
  const preflight = electronPreflight({
    binary: findElectronBinary(root),
    platform: process.platform,
    env: process.env,
    isRoot: process.getuid?.() === 0,
  });
  if (!preflight.ok) throw new NotRunnable(preflight.message);
  // The app (and the relay, which runs on Electron's Node here) open SQLite through better-sqlite3's native addon.
  const sqlite = probeElectronSqlite(preflight.executablePath, root);
  if (!sqlite.ok) throw new NotRunnable(nativeModuleMessage(sqlite.output));
  try {
    await createNapiKeychain('LifeScore Consultant electron-smoke probe').get('probe');
  } catch (err) {
    throw new NotRunnable(keychainMissingMessage(process.platform, err instanceof Error ? err.message : String(err)));
  }
  console.log('Building the app (electron-vite build)…');
  execFileSync(process.execPath, [resolve(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
