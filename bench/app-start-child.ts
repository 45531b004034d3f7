import { createAppCore } from '../main/core/app-core';
import { loadAppConfig } from '../main/core/config/app-config';
import { createMemoryKeychain } from '../main/core/keychain/memory-keychain';
import { createMemorySettingsStore } from '../main/core/settings/memory-settings';
import { nodeSystemPorts } from '../main/core/system-ports';

/**
 * The app-start subject, bundled by app-start.ts the way electron-vite bundles the main process (dependencies stay
 * in node_modules): builds the main core with an in-memory keychain and settings over the data folder in argv[2],
 * starts it, answers the first calls the Dashboard and Bookings screen make, and reports "ready" over IPC.
 */

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: app-start-child <dataDir>');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const config = loadAppConfig(
  {},
  { sandboxUrl: 'http://127.0.0.1:5555', relayUrl: 'http://127.0.0.1:5001', version: '0.0.0-bench', production: false },
);
const core = createAppCore({
  config,
  keychain: createMemoryKeychain(),
  settings: createMemorySettingsStore(undefined, config.relayUrl),
  dataDir,
  openExternal: async () => undefined,
  notify: () => undefined,
  logger: quiet,
  ...nodeSystemPorts(),
});
const loaded = performance.now();
await core.start();
const started = performance.now();
await core.handlers.getState({});
await core.handlers.countBookings({});
const page = await core.handlers.listBookings({ tab: 'upcoming', offset: 0, limit: 200 });
const ready = performance.now();
// performance.now() counts from this process's start, so these split the parent's wall-clock figure.
process.send?.({
  type: 'ready',
  loadedMs: loaded,
  coreStartedMs: started,
  readyMs: ready,
  rows: page.items.length,
  total: page.total,
});
await core.stop();
process.disconnect?.();
