/**
 * Composes the whole product on loopback for `npm start` and the end-to-end tests: the Cal.com sandbox, the relay,
 * and (in browser-host mode) the desktop core served to a browser. Electron mode starts only the servers; the
 * Electron process builds its own core.
 */
import { appendFileSync, createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_LOOPBACK_PORT, OAUTH_CALLBACK_PATH } from '../common/deep-link';
import { createAppCore } from '../main/core/app-core';
import { loadAppConfig } from '../main/core/config/app-config';
import { createNapiKeychain } from '../main/core/keychain/napi-keychain';
import type { AppConfig, AppCore, Logger } from '../main/core/ports';
import { createConfSettingsStore } from '../main/core/settings/conf-settings';
import { startBrowserHost } from '../main/host/browser-host';
import type { BrowserHost } from '../main/host/browser-host';
import { createSandbox } from '../server/calcom-sandbox';
import type { Sandbox } from '../server/calcom-sandbox';
import { createRelay, loadRelayConfig } from '../server/relay';
import type { Relay } from '../server/relay';

export interface DevStackOptions {
  /** Everything the stack writes goes below this folder. */
  readonly dataDir: string;
  readonly sandboxPort?: number;
  readonly relayPort?: number;
  /** The fixed loopback port of the OAuth redirect (registered with the sandbox). */
  readonly loopbackPort?: number;
  /** Keep sandbox state across restarts (npm start) or not (tests). */
  readonly persistSandbox?: boolean;
  readonly version?: string;
}

export interface DevStack {
  readonly dataDir: string;
  readonly sandbox: Sandbox;
  readonly relay: Relay;
  readonly appConfig: AppConfig;
  /** The environment an Electron process needs to reach this stack. */
  readonly appEnv: Record<string, string>;
  stop(): Promise<void>;
}

export interface HostedAppOptions {
  readonly hostPort?: number;
  readonly keychainService?: string;
  /** How the core "opens the system browser"; default: print the link (the page shows it too). */
  readonly openExternal?: (url: string) => Promise<void>;
}

export interface HostedApp {
  readonly core: AppCore;
  readonly host: BrowserHost;
  stop(): Promise<void>;
}

/** A JSON-lines file logger; warnings and errors also go to stderr so a person running npm start sees them. */
export function fileLogger(file: string, echo: boolean): Logger {
  const write = (level: string, msg: string, fields?: Record<string, unknown>) => {
    appendFileSync(file, `${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
    if (echo && level !== 'info') console.error(`[app] ${level}: ${msg}`);
  };
  return {
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

/** Runs `stoppers` last-first, ignoring failures (shutdown must finish). */
async function stopAll(stoppers: Array<() => Promise<void>>): Promise<void> {
  for (const s of stoppers.reverse()) await s().catch(() => undefined);
}

/** Starts the relay, then the sandbox registered with the relay's bounce URL and the loopback redirect. */
export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const stoppers: Array<() => Promise<void>> = [];
  try {
    const relay = createRelay(
      loadRelayConfig({ RELAY_HOST: '127.0.0.1', RELAY_PORT: String(options.relayPort ?? 0), RELAY_DATA_DIR: join(dataDir, 'relay') }),
      { logDestination: createWriteStream(join(dataDir, 'relay.log'), { flags: 'a' }) },
    );
    const relayUrl = await relay.start();
    stoppers.push(() => relay.stop());

    const redirectUri = `http://127.0.0.1:${options.loopbackPort ?? DEFAULT_LOOPBACK_PORT}${OAUTH_CALLBACK_PATH}`;
    const sandbox = createSandbox({
      port: options.sandboxPort ?? 0,
      relayPublicUrl: relayUrl,
      redirectUris: [redirectUri],
      ...(options.persistSandbox ? { dataFile: join(dataDir, 'sandbox.json') } : {}),
    });
    const sandboxUrl = await sandbox.start();
    stoppers.push(() => sandbox.stop());

    const appEnv = { CALCOM_APP_URL: sandboxUrl, CALCOM_API_URL: sandboxUrl, CALCOM_REDIRECT_URI: redirectUri, RELAY_URL: relayUrl, LIFESCORE_SANDBOX_URL: sandboxUrl };
    const appConfig = loadAppConfig(appEnv, { sandboxUrl, relayUrl, version: options.version ?? '0.0.0', production: false });
    return { dataDir, sandbox, relay, appConfig, appEnv, stop: () => stopAll(stoppers) };
  } catch (err) {
    await stopAll(stoppers);
    throw err;
  }
}

/** Runs the desktop core under Node against `stack` and serves the renderer through the browser host. */
export async function startHostedApp(stack: DevStack, options: HostedAppOptions = {}): Promise<HostedApp> {
  const appDir = join(stack.dataDir, 'app');
  mkdirSync(appDir, { recursive: true });
  const config: AppConfig = { ...stack.appConfig, ...(options.keychainService ? { keychainService: options.keychainService } : {}) };
  const logger = fileLogger(join(stack.dataDir, 'app.log'), true);
  let host: BrowserHost | undefined;
  const core = createAppCore({
    config,
    keychain: createNapiKeychain(config.keychainService),
    settings: createConfSettingsStore({ cwd: appDir, defaultRelayUrl: config.relayUrl, logger }),
    dataDir: appDir,
    openExternal: options.openExternal ?? (async (url) => console.log(`\nOpen this page to authorize (the app links it too):\n  ${url}\n`)),
    notify: (title, body) => host?.push({ type: 'toast', level: 'info', message: `${title}: ${body}` }),
    logger,
  });
  await core.start();
  try {
    host = await startBrowserHost({ core, rendererDir: resolve(import.meta.dirname, '../out/renderer'), port: options.hostPort ?? 0 });
  } catch (err) {
    await core.stop();
    throw err;
  }
  const started = host;
  return { core, host: started, stop: () => stopAll([() => core.stop(), () => started.close()]) };
}
