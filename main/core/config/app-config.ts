import { z } from 'zod';
import { DEFAULT_LOOPBACK_PORT, OAUTH_CALLBACK_PATH, OAUTH_CLIENT_ID_SANDBOX } from '../../../common/deep-link';
import type { AppConfig } from '../ports';

/** Environment of the desktop app for real Cal.com (DESIGN.md §7). No client secret: the app is a public client. */
const desktopEnvSchema = z.object({
  CALCOM_CLIENT_ID: z.string().min(1).optional(),
  CALCOM_REDIRECT_URI: z.url().optional(),
  CALCOM_APP_URL: z.url().optional(),
  CALCOM_API_URL: z.url().optional(),
  RELAY_URL: z.url().optional(),
});

export interface AppConfigDefaults {
  /** The sandbox's base URL when no real Cal.com client is configured. */
  readonly sandboxUrl?: string;
  readonly relayUrl: string;
  readonly version: string;
  readonly production: boolean;
}

/** True when the environment names a real Cal.com OAuth client (then `npm start` runs the app alone). */
export function hasRealCalcomConfig(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.CALCOM_CLIENT_ID);
}

/** Builds the app's configuration from the environment; throws one readable error listing every bad variable. */
export function loadAppConfig(env: NodeJS.ProcessEnv, defaults: AppConfigDefaults): AppConfig {
  const parsed = desktopEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid desktop configuration:\n${problems}`);
  }
  const e = parsed.data;
  const real = Boolean(e.CALCOM_CLIENT_ID);
  if (!real && !defaults.sandboxUrl) {
    throw new Error(
      'CALCOM_CLIENT_ID is not set and no Cal.com sandbox is running: set the variables for real Cal.com or use `npm start`.',
    );
  }
  const stripSlash = (url: string) => url.replace(/\/+$/, '');
  return {
    calcomAppUrl: stripSlash(e.CALCOM_APP_URL ?? (real ? 'https://app.cal.com' : defaults.sandboxUrl!)),
    calcomApiUrl: stripSlash(e.CALCOM_API_URL ?? (real ? 'https://api.cal.com' : defaults.sandboxUrl!)),
    clientId: e.CALCOM_CLIENT_ID ?? OAUTH_CLIENT_ID_SANDBOX,
    redirectUri: e.CALCOM_REDIRECT_URI ?? `http://127.0.0.1:${DEFAULT_LOOPBACK_PORT}${OAUTH_CALLBACK_PATH}`,
    relayUrl: stripSlash(e.RELAY_URL ?? defaults.relayUrl),
    keychainService: defaults.production ? 'LifeScore Consultant' : 'LifeScore Consultant (development)',
    version: defaults.version,
  };
}
