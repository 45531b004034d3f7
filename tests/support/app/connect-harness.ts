/**
 * Test support for app-core's integration tests (not shipped): the real relay and Cal.com sandbox on loopback,
 * a core built on in-memory keychain/settings, and a "browser" that drives the consent form like a person would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { PushEvent } from '../../../common/api';
import type { AppState } from '../../../common/app-state';
import type { SyncState } from '../../../common/app-state';
import { createSandbox } from '../../../server/calcom-sandbox/index';
import type { Sandbox } from '../../../server/calcom-sandbox/index';
import { createRelay, loadRelayConfig } from '../../../server/relay/index';
import type { Relay } from '../../../server/relay/index';
import type { AppCoreOverrides } from '../../../main/core/app-core';
import { createAppCore } from '../../../main/core/app-core';
import type { MemoryKeychain } from '../../../main/core/keychain/memory-keychain';
import { createMemoryKeychain } from '../../../main/core/keychain/memory-keychain';
import type { AppCore, AppCorePorts } from '../../../main/core/ports';
import { createMemorySettingsStore } from '../../../main/core/settings/memory-settings';
import { nodeSystemPorts } from '../../../main/core/system-ports';
import type { SyncEngineDeps } from '../../../main/core/sync/sync-types';

export const silentLogger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * A free port for the loopback redirect, which must be fixed and registered. Picked below Linux's ephemeral range
 * (32768+) so servers started later on port 0 (sandboxes, relays) cannot be handed the same one.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface Stack {
  relay: Relay;
  readonly relayUrl: string;
  sandbox: Sandbox;
  calcomUrl: string;
  readonly loopbackRedirect: string;
  readonly bounceRedirect: string;
  /** Replaces the sandbox with a fresh one (clean consultant state), same registered redirects. */
  freshSandbox(): Promise<void>;
  /** Stops the relay and starts it again on the same address; `wipe` deletes its data folder in between (issue 16). */
  restartRelay(opts: { readonly wipe: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/** Test stacks create channels and verify identities far faster than any one real installation. */
export const generousLimits = {
  RELAY_RATE_LIMIT_CHANNEL_CREATE_PER_HOUR: '100000',
  RELAY_RATE_LIMIT_IDENTITY_PER_MIN: '100000',
} as const;

/** Starts a relay (temp data dir; `relayEnv` adds to its environment) and a sandbox that trusts its bounce page and a fixed loopback port. */
export async function startStack(relayEnv: Record<string, string> = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'lifescore-connect-'));
  // The relay verifies identities against the current sandbox; freshSandbox() replaces it while the relay keeps running.
  let current = '';
  const newRelay = (port: string) =>
    createRelay(
      loadRelayConfig({
        RELAY_PORT: port,
        RELAY_DATA_DIR: dir,
        RELAY_LOG_LEVEL: 'error',
        ...generousLimits,
        ...relayEnv,
      }),
      { logDestination: new PassThrough().resume(), calcomApiUrl: () => current },
    );
  const relay = newRelay('0');
  const relayUrl = await relay.start();
  const port = await freePort();
  const loopbackRedirect = `http://127.0.0.1:${port}/calcom/callback`;
  const newSandbox = () => createSandbox({ port: 0, relayPublicUrl: relayUrl, redirectUris: [loopbackRedirect] });
  const sandbox = newSandbox();
  const calcomUrl = await sandbox.start();
  current = calcomUrl;
  const stack: Stack = {
    relay,
    relayUrl,
    sandbox,
    calcomUrl,
    loopbackRedirect,
    bounceRedirect: `${relayUrl}/oauth/calcom/callback`,
    async freshSandbox() {
      await stack.sandbox.stop();
      stack.sandbox = newSandbox();
      stack.calcomUrl = await stack.sandbox.start();
      current = stack.calcomUrl;
    },
    async restartRelay({ wipe }) {
      await stack.relay.stop();
      if (wipe) rmSync(dir, { recursive: true, force: true });
      stack.relay = newRelay(new URL(relayUrl).port);
      await stack.relay.start();
    },
    async stop() {
      await stack.sandbox.stop();
      await stack.relay.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** A stand-in sync engine that records what app-core did with it. */
export class FakeSyncEngine {
  static instances: FakeSyncEngine[] = [];
  started = 0;
  stopped = 0;
  syncs = 0;
  constructor(readonly deps: SyncEngineDeps) {
    FakeSyncEngine.instances.push(this);
  }
  async start() {
    this.started++;
    this.deps.onState({ status: 'live', quarantined: 0 });
  }
  async stop() {
    this.stopped++;
  }
  async syncNow() {
    this.syncs++;
    this.deps.onLastSynced('2026-11-26T08:00:00.000Z');
  }
  state(): SyncState {
    return { status: this.started > this.stopped ? 'live' : 'idle', quarantined: 0 };
  }
}

export interface TestCore {
  readonly core: AppCore;
  readonly keychain: MemoryKeychain;
  readonly settings: ReturnType<typeof createMemorySettingsStore>;
  readonly opened: string[];
  readonly events: PushEvent[];
  readonly notified: string[];
  readonly dataDir: string;
  state(): Promise<AppState>;
  /** Resolves when a pushed state satisfies `pred` (or the current one already does). */
  waitFor(pred: (s: AppState) => boolean, ms?: number): Promise<AppState>;
  dispose(): Promise<void>;
}

/** Builds a started core against the stack, with a fake sync engine unless overridden. */
export async function makeCore(
  stack: Stack,
  opts: {
    redirectUri?: string;
    overrides?: AppCoreOverrides;
    keychain?: MemoryKeychain;
    settings?: ReturnType<typeof createMemorySettingsStore>;
    dataDir?: string;
    /** Network, randomness and waiting default to Node's (sleep: none); a test may replace any of them. */
    ports?: Partial<Pick<AppCorePorts, 'openPath' | 'runtime' | 'fetch' | 'syncFetch' | 'random' | 'sleep'>>;
  } = {},
): Promise<TestCore> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'lifescore-core-'));
  const keychain = opts.keychain ?? createMemoryKeychain();
  const settings = opts.settings ?? createMemorySettingsStore(undefined, stack.relayUrl);
  const opened: string[] = [];
  const events: PushEvent[] = [];
  const notified: string[] = [];
  const core = createAppCore(
    {
      config: {
        calcomAppUrl: stack.calcomUrl,
        calcomApiUrl: stack.calcomUrl,
        clientId: 'lifescore-desktop',
        redirectUri: opts.redirectUri ?? stack.loopbackRedirect,
        relayUrl: stack.relayUrl,
        keychainService: 'LifeScore Consultant Test',
        version: '0.0.0-test',
      },
      keychain,
      settings,
      dataDir,
      openExternal: async (url) => void opened.push(url),
      notify: (title) => void notified.push(title),
      logger: silentLogger,
      ...nodeSystemPorts(),
      sleep: async () => {},
      ...opts.ports,
    },
    { createSyncEngine: (deps) => new FakeSyncEngine(deps), ...opts.overrides },
  );
  core.onEvent((e) => events.push(e));
  await core.start();
  const state = () => core.handlers.getState({});
  return {
    core,
    keychain,
    settings,
    opened,
    events,
    notified,
    dataDir,
    state,
    async waitFor(pred, ms = 10_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const s = await state();
        if (pred(s)) return s;
        if (Date.now() > deadline) throw new Error(`state never matched; last: ${JSON.stringify(s.connection)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async dispose() {
      await core.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The browser at Cal.com: loads the consent page, then submits its form (Allow or Deny) and returns the redirect. */
export async function consent(
  authorizeUrl: string,
  decision: 'allow' | 'deny' = 'allow',
  username = 'dana-reyes',
): Promise<URL> {
  const url = new URL(authorizeUrl);
  const page = await fetch(url);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  const html = await page.text();
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields.set(m[1] as string, unescapeHtml(m[2] as string));
  fields.set('username', username);
  fields.set('decision', decision);
  const res = await fetch(new URL('/auth/oauth2/authorize', url.origin), {
    method: 'POST',
    body: fields,
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  if (!location) throw new Error(`consent POST answered ${res.status} without a redirect`);
  return new URL(location);
}

/** The browser after consent: loads the loopback page, or follows the relay bounce page's link into the app. */
export async function followRedirect(location: URL, core: AppCore): Promise<{ status: number; body: string }> {
  const res = await fetch(location);
  const body = await res.text();
  const target = /id="open" class="button" href="([^"]+)"/.exec(body)?.[1];
  if (target) await core.handleDeepLink(unescapeHtml(target));
  return { status: res.status, body };
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
