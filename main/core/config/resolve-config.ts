import type { AppConfig } from '../ports';
import { loadAppConfig } from './app-config';
import type { BakedConfig } from './baked-config';
import type { ReleaseConfig } from './release-config';
import { RELEASE_CONFIG_KEYS, checkReleaseConfig } from './release-config';

export type ResolvedConfig =
  | { readonly kind: 'ready'; readonly config: AppConfig; readonly source: 'baked' | 'environment' | 'sandbox' }
  | { readonly kind: 'setup'; readonly problems: readonly string[] };

export interface ResolveConfigInput {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly baked: BakedConfig;
  /**
   * Whether the environment may override the baked values: yes in development, no in a packaged app, whose
   * Cal.com client and relay are not something the environment of whoever launches it should redirect.
   */
  readonly envOverrides: boolean;
  /** The Cal.com sandbox to fall back to when nothing names a real client (development only). */
  readonly sandboxUrl?: string;
  /** The relay with the sandbox. */
  readonly sandboxRelayUrl: string;
  readonly version: string;
  /** Production keychain service name (a packaged app) or the development one. */
  readonly production: boolean;
}

const stripSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * Decides the app's configuration, or that it has none and must show the setup screen (never an error box and
 * exit). Order: the environment (development only) over the baked release values; the sandbox when neither names
 * a Cal.com client and a sandbox is allowed.
 */
export function resolveAppConfig(input: ResolveConfigInput): ResolvedConfig {
  const { baked } = input;
  if (baked.kind === 'baked' && !baked.ok && !input.envOverrides) return { kind: 'setup', problems: baked.problems };
  const fromEnv: Record<string, string> = {};
  if (input.envOverrides) {
    for (const key of RELEASE_CONFIG_KEYS) {
      const value = input.env[key]?.trim();
      if (value) fromEnv[key] = value;
    }
  }
  const bakedValues: Partial<ReleaseConfig> = baked.kind === 'baked' && baked.ok ? baked.config : {};
  const merged = { ...bakedValues, ...fromEnv };

  if (!merged.CALCOM_CLIENT_ID && input.sandboxUrl && baked.kind === 'none') {
    try {
      return {
        kind: 'ready',
        source: 'sandbox',
        config: loadAppConfig(
          { ...input.env },
          {
            sandboxUrl: input.sandboxUrl,
            relayUrl: input.env.RELAY_URL ?? input.sandboxRelayUrl,
            version: input.version,
            production: input.production,
          },
        ),
      };
    } catch (err) {
      return { kind: 'setup', problems: [(err as Error).message] };
    }
  }
  if (baked.kind === 'none' && merged.CALCOM_CLIENT_ID && input.sandboxUrl) {
    // Development against real Cal.com with variables in the environment (.env): Cal.com's hosts are the default.
    try {
      return {
        kind: 'ready',
        source: 'environment',
        config: loadAppConfig(
          { ...input.env },
          { relayUrl: input.sandboxRelayUrl, version: input.version, production: input.production },
        ),
      };
    } catch (err) {
      return { kind: 'setup', problems: [(err as Error).message] };
    }
  }
  // A release (or a build told to behave like one): every value named, https or loopback only.
  const checked = checkReleaseConfig(merged);
  if (!checked.ok) return { kind: 'setup', problems: checked.problems };
  const c = checked.config;
  return {
    kind: 'ready',
    source: Object.keys(fromEnv).length > 0 ? 'environment' : 'baked',
    config: {
      calcomAppUrl: stripSlash(c.CALCOM_APP_URL),
      calcomApiUrl: stripSlash(c.CALCOM_API_URL),
      clientId: c.CALCOM_CLIENT_ID,
      redirectUri: c.CALCOM_REDIRECT_URI,
      relayUrl: stripSlash(c.RELAY_URL),
      keychainService: input.production ? 'LifeScore Consultant' : 'LifeScore Consultant (development)',
      version: input.version,
    },
  };
}
