import type { ApiHandlers, PushEvent } from '../../common/api';
import type { Settings } from '../../common/settings';

/**
 * What the core needs from its host (Electron or the browser host). Everything that touches the OS,
 * the clock or the network comes in here so tests can construct the core under plain Node.
 */

/** Secrets: the OS keychain in production (@napi-rs/keyring), an in-memory map in unit tests. */
export interface Keychain {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** Returns whether an entry was there. */
  delete(account: string): Promise<boolean>;
}

/** Non-secret settings: electron-store in Electron, `conf` (the same file format) in the browser host. */
export interface SettingsStore {
  read(): Settings;
  write(settings: Settings): void;
  /** Small non-secret integration records (connect progress, event type ids, channel id). */
  readRecord<T>(key: string): T | undefined;
  writeRecord<T>(key: string, value: T | undefined): void;
}

export interface Clock {
  now(): number;
}

/**
 * HTTP: Electron's net.fetch in the desktop app (system proxy, OS certificates), Node's fetch in the browser host,
 * a fake or the sandbox in tests.
 */
export type FetchFn = typeof fetch;

/** Randomness: node:crypto in production; fixed values in tests that need them. */
export interface Random {
  /** Cryptographically strong bytes: PKCE verifiers, OAuth state, webhook secrets, the device id. */
  bytes(size: number): Uint8Array;
  /** 0 ≤ n < 1 for retry jitter only (never for anything secret). */
  fraction(): number;
}

/** Waits between retries; tests record the delays instead of waiting. */
export type Sleep = (ms: number) => Promise<void>;

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Where Cal.com and the relay are, and how the OAuth redirect comes back. */
export interface AppConfig {
  readonly calcomAppUrl: string;
  readonly calcomApiUrl: string;
  readonly clientId: string;
  /** One of the three forms of DESIGN.md §3: relay bounce (https), lifescore://, or http://127.0.0.1:<port>/calcom/callback. */
  readonly redirectUri: string;
  /** Default relay URL (settings may override it). */
  readonly relayUrl: string;
  /** Keychain service name; differs between dev and production builds. */
  readonly keychainService: string;
  readonly version: string;
}

export interface AppCorePorts {
  readonly config: AppConfig;
  readonly keychain: Keychain;
  readonly settings: SettingsStore;
  /** Folder for the SQLite database and other app data. */
  readonly dataDir: string;
  /** Opens an https/loopback URL in the system browser (the one allow-listed helper). */
  readonly openExternal: (url: string) => Promise<void>;
  /** A desktop notification; the browser host turns it into a toast. */
  readonly notify: (title: string, body: string) => void;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Cal.com, the OAuth token endpoint and the relay's channel API. */
  readonly fetch: FetchFn;
  /**
   * The relay sync path (event pull and ack beside the smee stream): Node's own fetch even in Electron, like the
   * stream itself (electron/electron-fetch.ts), so the two share one network stack and the relay URL is used as given.
   */
  readonly syncFetch: FetchFn;
  readonly random: Random;
  readonly sleep: Sleep;
  /** Shows a folder in the OS file manager (Electron's shell.openPath); absent in the browser host. */
  readonly openPath?: (folder: string) => Promise<void>;
  /** Which shell runs the core, for diagnostics (default: the browser host). */
  readonly runtime?: { readonly host: 'electron' | 'browser'; readonly electron?: string; readonly chrome?: string };
}

/** The app's core as the glue sees it. */
export interface AppCore {
  readonly handlers: ApiHandlers;
  onEvent(listener: (event: PushEvent) => void): () => void;
  /** A lifescore:// URL (or a loopback callback URL) arrived from the OS; parsed strictly inside. */
  handleDeepLink(url: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
