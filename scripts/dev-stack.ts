/**
 * Composes the whole product on loopback for `npm start` and the end-to-end tests: the Cal.com sandbox, the relay,
 * and (in browser-host mode) the desktop core served to a browser. Electron mode starts only the servers; the
 * Electron process builds its own core.
 */
import { appendFileSync, createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_LOOPBACK_PORT, OAUTH_CALLBACK_PATH } from '../common/deep-link';
import type { Logger } from '../main/core/ports';
import { redact } from '../main/core/log-redaction';
import { runBrowserHost } from '../main/host/run-host';
import type { RunningHost } from '../main/host/run-host';
import { createSandbox } from '../server/calcom-sandbox';
import type { Sandbox } from '../server/calcom-sandbox';
import { createRelay, loadRelayConfig } from '../server/relay';
import type { Relay } from '../server/relay';
import type { SyncTuning } from '../main/core/sync/sync-engine';

export interface DevStackOptions {
  /** Everything the stack writes goes below this folder. */
  readonly dataDir: string;
  readonly sandboxPort?: number;
  /** Extra relay environment (e.g. RELAY_APPROVAL=manual and RELAY_ADMIN_TOKEN for the approval end-to-end test). */
  readonly relayEnv?: Readonly<Record<string, string>>;
  readonly relayPort?: number;
  /** The fixed loopback port of the OAuth redirect (registered with the sandbox). */
  readonly loopbackPort?: number;
  /** Keep sandbox state across restarts (npm start) or not (tests). */
  readonly persistSandbox?: boolean;
}

export interface DevStack {
  readonly dataDir: string;
  readonly sandbox: Sandbox;
  readonly relay: Relay;
  /** The environment an Electron process needs to reach this stack. */
  readonly appEnv: Record<string, string>;
  stop(): Promise<void>;
}

export interface HostedAppOptions {
  readonly hostPort?: number;
  readonly keychainService?: string;
  /** How the core "opens the system browser"; default: logged (the page opens links itself in a tab). */
  readonly openExternal?: (url: string) => Promise<void>;
  /** Sync timings (tests only, issue 22). */
  readonly syncTuning?: SyncTuning;
}

/** A JSON-lines file logger; warnings and errors also go to stderr so a person running npm start sees them. */
export function fileLogger(file: string, echo: boolean): Logger {
  const write = (level: string, msg: string, fields?: Record<string, unknown>) => {
    try {
      appendFileSync(file, `${JSON.stringify(redact({ time: new Date().toISOString(), level, msg, ...fields }))}\n`);
    } catch {
      // A log line must never break the caller (e.g. a late line after the data folder was removed).
    }
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
    // The relay verifies identities against this stack's sandbox, whose port is known only once it has started.
    let sandboxApiUrl = '';
    const relay = createRelay(
      loadRelayConfig({
        RELAY_HOST: '127.0.0.1',
        RELAY_PORT: String(options.relayPort ?? 0),
        RELAY_DATA_DIR: join(dataDir, 'relay'),
        ...options.relayEnv,
      }),
      {
        logDestination: createWriteStream(join(dataDir, 'relay.log'), { flags: 'a' }),
        calcomApiUrl: () => sandboxApiUrl,
      },
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
    sandboxApiUrl = sandboxUrl;
    stoppers.push(() => sandbox.stop());

    const appEnv = {
      CALCOM_APP_URL: sandboxUrl,
      CALCOM_API_URL: sandboxUrl,
      CALCOM_REDIRECT_URI: redirectUri,
      RELAY_URL: relayUrl,
      LIFESCORE_SANDBOX_URL: sandboxUrl,
    };
    return { dataDir, sandbox, relay, appEnv, stop: () => stopAll(stoppers) };
  } catch (err) {
    await stopAll(stoppers);
    throw err;
  }
}

/** Runs the desktop core under Node against `stack` and serves the renderer through the browser host. */
export async function startHostedApp(stack: DevStack, options: HostedAppOptions = {}): Promise<RunningHost> {
  return runBrowserHost({
    root: resolve(import.meta.dirname, '..'),
    env: {
      ...stack.appEnv,
      LIFESCORE_DATA_DIR: join(stack.dataDir, 'app'),
      LIFESCORE_HOST_PORT: String(options.hostPort ?? 0),
    },
    logger: fileLogger(join(stack.dataDir, 'app.log'), true),
    ...(options.keychainService ? { keychainService: options.keychainService } : {}),
    ...(options.openExternal ? { openExternal: options.openExternal } : {}),
    ...(options.syncTuning ? { syncTuning: options.syncTuning } : {}),
  });
}
