import { z } from 'zod';
import { DEFAULT_LOOPBACK_PORT, OAUTH_CALLBACK_PATH } from '../../common/deep-link';

/** Where the sandbox writes its log lines (pino's methods fit). */
export interface SandboxLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** Options of createSandbox(); everything is optional. */
export interface SandboxOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (0 = ephemeral, the default; the CLI uses 5555). */
  port?: number;
  /** Persist state to this JSON file; in memory only when absent. */
  dataFile?: string;
  /** Access-token lifetime (default 1800 s, as Cal.com). */
  accessTokenTtlSeconds?: number;
  /** Requests per minute per bearer token (default 500, Cal.com's OAuth-token limit). */
  rateLimitPerMinute?: number;
  /** Registered for the public client `lifescore-desktop` in addition to the defaults. */
  redirectUris?: string[];
  /** The relay's public base URL (default http://127.0.0.1:5001); its /oauth/calcom/callback is registered. */
  relayPublicUrl?: string;
  /** Timeout of one webhook POST (default 10 000 ms). */
  webhookTimeoutMs?: number;
  /** Cal.com's clock runs this far ahead of (or, negative, behind) the machine's: clock-skew tests (default 0). */
  clockOffsetMs?: number;
  logger?: SandboxLogger;
}

/** Validation and defaults of SandboxOptions (the logger is handled separately). */
export const optionsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  dataFile: z.string().min(1).optional(),
  accessTokenTtlSeconds: z.number().int().positive().default(1800),
  rateLimitPerMinute: z.number().int().positive().default(500),
  redirectUris: z.array(z.string()).default([]),
  relayPublicUrl: z.url().default('http://127.0.0.1:5001'),
  webhookTimeoutMs: z.number().int().positive().default(10_000),
  clockOffsetMs: z.number().int().min(-86_400_000).max(86_400_000).default(0),
});
/** Options after defaults. */
export type ResolvedOptions = z.infer<typeof optionsSchema> & { logger: SandboxLogger };

const silent: SandboxLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** Validates options (throws a readable error) and fills in defaults. */
export function resolveOptions(options: SandboxOptions = {}): ResolvedOptions {
  const { logger, ...rest } = options;
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Invalid sandbox option ${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`);
  }
  return { ...parsed.data, logger: logger ?? silent };
}

/** The redirect URIs registered by default: the relay bounce and the fixed loopback port. */
export function defaultRedirectUris(relayPublicUrl: string): string[] {
  return [
    `${relayPublicUrl.replace(/\/+$/, '')}/oauth/calcom/callback`,
    `http://127.0.0.1:${DEFAULT_LOOPBACK_PORT}${OAUTH_CALLBACK_PATH}`,
  ];
}
