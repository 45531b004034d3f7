import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createAppCore } from '../core/app-core';
import type { PushEvent } from '../../common/api';
import { readBakedConfig } from '../core/config/baked-config';
import { RELEASE_CONFIG_FILE } from '../core/config/release-config';
import { resolveAppConfig } from '../core/config/resolve-config';
import { createSetupCore } from '../core/config/setup-core';
import { createMemoryKeychain } from '../core/keychain/memory-keychain';
import { createNapiKeychain } from '../core/keychain/napi-keychain';
import type { AppConfig, AppCore, AppCorePorts, Keychain, Logger } from '../core/ports';
import type { SyncTuning } from '../core/sync/sync-engine';
import { createConfSettingsStore } from '../core/settings/conf-settings';
import type { BrowserHost } from './browser-host';
import { startBrowserHost } from './browser-host';
import { redact } from '../core/log-redaction';
import { nodeSystemPorts } from '../core/system-ports';

export interface RunHostOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The repository root (for out/renderer and the default data folder). */
  readonly root: string;
  readonly logger?: Logger;
  /** Overrides the keychain service name (tests use a fresh one per run). */
  readonly keychainService?: string;
  /** How the core "opens the system browser" (tests capture the URL; by default it is logged). */
  readonly openExternal?: (url: string) => Promise<void>;
  /** Sync timings (tests only: e2e shrinks failure thresholds and retry delays, issue 22). */
  readonly syncTuning?: SyncTuning;
}

export interface RunningHost {
  readonly host: BrowserHost;
  readonly core: AppCore;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Lines of `level msg {fields}` on stderr, secrets redacted (the host's counterpart of electron-log). */
export function createConsoleLogger(prefix = 'app'): Logger {
  const write = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    process.stderr.write(
      `[${prefix}] ${level} ${String(redact(msg))}${fields ? ` ${JSON.stringify(redact(fields))}` : ''}\n`,
    );
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/**
 * The app under Node: the same core as Electron (conf settings, OS keychain, a data folder) behind the browser
 * host. Environment: the desktop variables of DESIGN.md §7, plus LIFESCORE_DATA_DIR, LIFESCORE_HOST_PORT,
 * LIFESCORE_RENDERER_DIR, LIFESCORE_SANDBOX_URL and LIFESCORE_KEYCHAIN=memory (tests only: tokens die with the process).
 */
export async function runBrowserHost(options: RunHostOptions): Promise<RunningHost> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createConsoleLogger();
  const version = (JSON.parse(readFileSync(join(options.root, 'package.json'), 'utf8')) as { version: string }).version;
  // Like Electron: the release values baked by `npm run build:release` (out/main/release-config.json), overridden by
  // the environment; the sandbox unless LIFESCORE_CONFIG=release asks for a release's rules (then: the setup screen).
  const releaseRules = env.LIFESCORE_CONFIG === 'release';
  const resolved = resolveAppConfig({
    env,
    baked: readBakedConfig(env.LIFESCORE_RELEASE_CONFIG_FILE ?? join(options.root, 'out', 'main', RELEASE_CONFIG_FILE)),
    envOverrides: true,
    ...(releaseRules ? {} : { sandboxUrl: env.LIFESCORE_SANDBOX_URL ?? 'http://127.0.0.1:5555' }),
    sandboxRelayUrl: env.RELAY_URL ?? 'http://127.0.0.1:5001',
    version,
    production: false,
  });
  const config =
    resolved.kind === 'ready'
      ? options.keychainService
        ? { ...resolved.config, keychainService: options.keychainService }
        : resolved.config
      : null;
  const dataDir = resolve(env.LIFESCORE_DATA_DIR ?? join(options.root, '.lifescore-dev', 'app'));
  mkdirSync(dataDir, { recursive: true });

  let host: BrowserHost | undefined;
  let core: AppCore;
  if (!config) {
    core = createSetupCore(resolved.kind === 'setup' ? resolved.problems : [], logger);
  } else {
    core = createAppCore(
      hostPorts(config, env, dataDir, logger, options, (event) => host?.push(event)),
      options.syncTuning ? { syncTuning: options.syncTuning } : {},
    );
  }
  await core.start();
  const port = env.LIFESCORE_HOST_PORT ? Number(env.LIFESCORE_HOST_PORT) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`LIFESCORE_HOST_PORT must be a port number, not "${env.LIFESCORE_HOST_PORT}"`);
  try {
    host = await startBrowserHost({
      core,
      rendererDir: env.LIFESCORE_RENDERER_DIR ?? join(options.root, 'out', 'renderer'),
      port,
    });
  } catch (err) {
    await core.stop();
    throw err;
  }
  const started = host;
  return {
    host: started,
    core,
    dataDir,
    async stop() {
      await started.close();
      await core.stop();
    },
  };
}

/** The core's ports under Node: conf settings, the OS keychain (or memory for tests), toasts for notifications. */
function hostPorts(
  config: AppConfig,
  env: NodeJS.ProcessEnv,
  dataDir: string,
  logger: Logger,
  options: RunHostOptions,
  push: (event: PushEvent) => void,
): AppCorePorts {
  let keychain: Keychain;
  if (env.LIFESCORE_KEYCHAIN === 'memory') {
    logger.warn(
      'LIFESCORE_KEYCHAIN=memory: Cal.com tokens are kept in memory only and are lost when this process ends',
    );
    keychain = createMemoryKeychain();
  } else {
    keychain = createNapiKeychain(config.keychainService);
  }
  return {
    config,
    keychain,
    settings: createConfSettingsStore({
      cwd: dataDir,
      defaultRelayUrl: config.relayUrl,
      logger,
      onRecovered: (message) => push({ type: 'toast', level: 'error', message }),
    }),
    dataDir,
    // In a browser tab the page opens links itself (a new tab); here we only say where the browser should go.
    openExternal: options.openExternal ?? (async (url) => logger.info('open in your browser', { url })),
    notify: (title, body) => push({ type: 'toast', level: 'info', message: `${title}: ${body}` }),
    logger,
    ...nodeSystemPorts(),
  };
}
