import path from 'node:path';
import { z } from 'zod';
import { productionProblems } from './production-checks';
import { DEFAULT_SMTP_CONNECTIONS } from './mail/transport';

const MIB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Where the relay keeps its event log: a SQLite file (one process), or a PostgreSQL database (several). */
export type StorageConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  /** pollMs: how often open streams re-read the events table for commits whose NOTIFY was missed. */
  | { readonly kind: 'postgres'; readonly url: string; readonly pollMs: number };

/** Everything the relay needs, validated and defaulted. Built by loadRelayConfig or by tests. */
export interface RelayConfig {
  readonly host: string;
  readonly port: number;
  /** Public base URL without trailing slash; undefined means "the URL we listen on" (resolved at start). */
  readonly publicUrl: string | undefined;
  readonly dataDir: string;
  readonly storage: StorageConfig;
  readonly registrationKey: string | undefined;
  readonly bodyLimitBytes: number;
  /** Bytes of webhook bodies being received or stored at once, per client address and in all. */
  readonly ingestInflight: { readonly perClientBytes: number; readonly totalBytes: number };
  /**
   * Bytes of signed webhooks stored per channel and per client address per day (this process), the bytes a channel may
   * hold in all (every process), the free disk below which ingest refuses (0: no check), and the free disk above that
   * kept for approved consultants (0: none).
   */
  readonly ingestQuota: {
    readonly perChannelBytesPerDay: number;
    readonly maxChannelBytes: number;
    readonly perClientBytesPerDay: number;
    readonly minFreeDiskBytes: number;
    /** Free disk above minFreeDiskBytes kept for approved consultants' channels (0: none). */
    readonly approvedDiskReserveBytes: number;
  };
  readonly retention: { readonly unackedMs: number; readonly ackedMs: number; readonly pruneIntervalMs: number };
  readonly trustProxy: boolean | number | string;
  readonly heartbeatMs: number;
  readonly rateLimits: {
    readonly ingestPerIpPerMinute: number;
    readonly ingestPerChannelPerMinute: number;
    readonly apiPerIpPerMinute: number;
    /** GET /hooks/:channel requests per client IP per minute (checked before the channel lookup). */
    readonly streamOpensPerIpPerMinute: number;
  };
  readonly stream: {
    readonly maxStreams: number;
    /** Open streams per client address (IPv6 by /56). */
    readonly maxPerClient: number;
    /** Open streams per channel; a newer one ends the oldest. */
    readonly maxPerChannel: number;
    readonly drainTimeoutMs: number;
    readonly bufferBytes: number;
  };
  /** Slow-client guards: header and whole-request deadlines, and open connections per client IP (0 = no cap). */
  readonly http: {
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly maxConnectionsPerIp: number;
  };
  readonly appScheme: string;
  readonly logLevel: string;
  /** Where booking emails go (unset: .eml files in the data folder) and who they are from. */
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string | undefined;
  /** SMTP sessions the relay keeps open at once (mail/smtp-pool.ts). */
  readonly smtpMaxConnections: number;
  /** Trust model (DESIGN.md §4a, issue 16). */
  readonly trust: TrustConfig;
}

/** Identity, approval, admin and metrics access, mail caps and the stricter per-IP limits (issue 16). */
export interface TrustConfig {
  /** Cal.com API the relay verifies presented tokens against (GET /v2/me); never a URL from a request. */
  readonly calcomApiUrl: string;
  readonly calcomTimeoutMs: number;
  /** auto: a newly verified account is approved at once; manual: it waits for an operator. */
  readonly approval: 'auto' | 'manual';
  /** Bearer token of the admin API; undefined: the admin API answers 404. */
  readonly adminToken: string | undefined;
  /** Bearer token of /metrics; undefined: /metrics answers 404. */
  readonly metricsToken: string | undefined;
  readonly mailMaxRecipients: number;
  readonly mailDailyCap: number;
  readonly channelCreatePerIpPerHour: number;
  readonly identityPerIpPerMinute: number;
}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const intFrom = (name: string, def: number, min: number, max: number) =>
  optionalString
    .pipe(
      z
        .string()
        .regex(/^\d+$/, `${name} must be a whole number`)
        .transform(Number)
        .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`))
        .optional(),
    )
    .transform((v) => v ?? def);

const daysFrom = (name: string, def: number) =>
  optionalString
    .pipe(
      z
        .string()
        .regex(/^\d+(\.\d+)?$/, `${name} must be a number of days`)
        .transform(Number)
        .pipe(z.number().positive(`${name} must be above 0`).max(3650))
        .optional(),
    )
    .transform((v) => (v ?? def) * DAY_MS);

/** Parses "1048576", "512kb", "1mb", "1.5MiB", "1gb" into bytes. */
export function parseByteSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const factor = unit === 'b' ? 1 : unit.startsWith('k') ? 1024 : unit.startsWith('m') ? MIB : 1024 * MIB;
  return Math.floor(Number(m[1]) * factor);
}

const byteSizeFrom = (name: string, def: number, min: number, max: number, minText: string, maxText: string) =>
  optionalString.transform((v, ctx) => {
    if (v === undefined) return def;
    const bytes = parseByteSize(v);
    if (bytes === undefined || bytes < min || bytes > max) {
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be a size between ${minText} and ${maxText} (e.g. 1048576, 512kb, 2mb)`,
      });
      return z.NEVER;
    }
    return bytes;
  });

const httpUrl = (name: string) =>
  optionalString.pipe(
    z
      .url({ protocol: /^https?$/, message: `${name} must be an http(s) URL` })
      .refine((u) => !/[?#]/.test(u), `${name} must not have a query or fragment`)
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  );

/** postgres:// or postgresql:// with a host (or a socket directory in ?host=), as libpq and `pg` accept them. */
function isPostgresUrl(v: string): boolean {
  if (!/^postgres(ql)?:\/\//i.test(v) || !URL.canParse(v)) return false;
  const u = new URL(v);
  return u.hostname !== '' || u.searchParams.has('host');
}

const envSchema = z.object({
  RELAY_HOST: optionalString.transform((v) => v ?? '127.0.0.1'),
  RELAY_PORT: intFrom('RELAY_PORT', 5001, 0, 65535),
  RELAY_PUBLIC_URL: httpUrl('RELAY_PUBLIC_URL'),
  RELAY_DATA_DIR: optionalString.transform((v) => path.resolve(v ?? './.lifescore-dev/relay')),
  DATABASE_URL: optionalString.refine(
    (v) => v === undefined || /^(sqlite|file):/i.test(v) || isPostgresUrl(v),
    'DATABASE_URL must be postgres://user:password@host:port/database (or postgresql://), sqlite:<path> or file:<path>',
  ),
  RELAY_STREAM_POLL_MS: intFrom('RELAY_STREAM_POLL_MS', 2000, 100, 600_000),
  RELAY_REGISTRATION_KEY: optionalString.refine(
    (v) => v === undefined || v.length >= 16,
    'RELAY_REGISTRATION_KEY must be at least 16 characters',
  ),
  RELAY_BODY_LIMIT: byteSizeFrom('RELAY_BODY_LIMIT', MIB, 1024, 10 * MIB, '1kb', '10mb'),
  RELAY_INGEST_INFLIGHT_PER_IP: byteSizeFrom('RELAY_INGEST_INFLIGHT_PER_IP', 16 * MIB, 1024, 1024 * MIB, '1kb', '1gb'),
  RELAY_INGEST_BYTES_PER_CHANNEL_PER_DAY: byteSizeFrom(
    'RELAY_INGEST_BYTES_PER_CHANNEL_PER_DAY',
    64 * MIB,
    1024,
    1024 * 1024 * MIB,
    '1kb',
    '1024gb',
  ),
  RELAY_INGEST_BYTES_PER_IP_PER_DAY: byteSizeFrom(
    'RELAY_INGEST_BYTES_PER_IP_PER_DAY',
    1024 * MIB,
    1024,
    1024 * 1024 * MIB,
    '1kb',
    '1024gb',
  ),
  RELAY_MAX_CHANNEL_BYTES: byteSizeFrom('RELAY_MAX_CHANNEL_BYTES', 256 * MIB, 1024, 1024 * 1024 * MIB, '1kb', '1024gb'),
  RELAY_MIN_FREE_DISK: byteSizeFrom('RELAY_MIN_FREE_DISK', 1024 * MIB, 0, 100_000 * 1024 * MIB, '0', '100000gb'),
  RELAY_APPROVED_DISK_RESERVE: byteSizeFrom(
    'RELAY_APPROVED_DISK_RESERVE',
    4 * 1024 * MIB,
    0,
    100_000 * 1024 * MIB,
    '0',
    '100000gb',
  ),
  RELAY_INGEST_INFLIGHT_TOTAL: byteSizeFrom(
    'RELAY_INGEST_INFLIGHT_TOTAL',
    64 * MIB,
    1024,
    16 * 1024 * MIB,
    '1kb',
    '16gb',
  ),
  RELAY_RETENTION_UNACKED_DAYS: daysFrom('RELAY_RETENTION_UNACKED_DAYS', 30),
  RELAY_RETENTION_ACKED_DAYS: daysFrom('RELAY_RETENTION_ACKED_DAYS', 3),
  RELAY_PRUNE_INTERVAL_MS: intFrom('RELAY_PRUNE_INTERVAL_MS', 10 * 60_000, 1000, DAY_MS),
  RELAY_TRUST_PROXY: optionalString.transform((v): boolean | number | string => {
    if (v === undefined || v === 'false') return false;
    if (v === 'true') return true;
    if (/^\d+$/.test(v)) return Number(v);
    return v; // express accepts 'loopback', IPs and CIDRs, comma separated
  }),
  RELAY_HEARTBEAT_MS: intFrom('RELAY_HEARTBEAT_MS', 15_000, 50, 15_000),
  RELAY_RATE_LIMIT_IP_PER_MIN: intFrom('RELAY_RATE_LIMIT_IP_PER_MIN', 3000, 1, 1_000_000),
  RELAY_RATE_LIMIT_CHANNEL_PER_MIN: intFrom('RELAY_RATE_LIMIT_CHANNEL_PER_MIN', 600, 1, 1_000_000),
  RELAY_RATE_LIMIT_API_PER_MIN: intFrom('RELAY_RATE_LIMIT_API_PER_MIN', 600, 1, 1_000_000),
  RELAY_RATE_LIMIT_STREAM_PER_MIN: intFrom('RELAY_RATE_LIMIT_STREAM_PER_MIN', 120, 1, 1_000_000),
  RELAY_MAX_STREAMS: intFrom('RELAY_MAX_STREAMS', 10_000, 1, 1_000_000),
  RELAY_MAX_STREAMS_PER_IP: intFrom('RELAY_MAX_STREAMS_PER_IP', 32, 1, 1_000_000),
  RELAY_MAX_STREAMS_PER_CHANNEL: intFrom('RELAY_MAX_STREAMS_PER_CHANNEL', 4, 1, 1000),
  RELAY_STREAM_DRAIN_TIMEOUT_MS: intFrom('RELAY_STREAM_DRAIN_TIMEOUT_MS', 30_000, 100, 600_000),
  RELAY_HEADERS_TIMEOUT_MS: intFrom('RELAY_HEADERS_TIMEOUT_MS', 20_000, 100, 120_000),
  RELAY_REQUEST_TIMEOUT_MS: intFrom('RELAY_REQUEST_TIMEOUT_MS', 60_000, 100, 600_000),
  RELAY_MAX_CONNECTIONS_PER_IP: intFrom('RELAY_MAX_CONNECTIONS_PER_IP', 256, 0, 1_000_000),
  RELAY_APP_SCHEME: optionalString
    .refine(
      (v) => v === undefined || /^[a-z][a-z0-9+.-]{1,31}$/.test(v),
      'RELAY_APP_SCHEME must be a URL scheme like lifescore',
    )
    .transform((v) => v ?? 'lifescore'),
  RELAY_LOG_LEVEL: optionalString
    .refine(
      (v) => v === undefined || ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(v),
      'RELAY_LOG_LEVEL must be a pino level',
    )
    .transform((v) => v ?? 'info'),
  SMTP_URL: optionalString.refine(
    (v) => v === undefined || URL.canParse(v),
    'SMTP_URL must be a URL (smtp://, smtps://)',
  ),
  MAIL_FROM: optionalString,
  SMTP_MAX_CONNECTIONS: intFrom('SMTP_MAX_CONNECTIONS', DEFAULT_SMTP_CONNECTIONS, 1, 100),
  RELAY_MAIL: optionalString.refine(
    (v) => v === undefined || v === 'smtp' || v === 'files',
    'RELAY_MAIL must be smtp or files',
  ),
  NODE_ENV: optionalString,
  RELAY_CALCOM_API_URL: httpUrl('RELAY_CALCOM_API_URL'),
  RELAY_CALCOM_TIMEOUT_MS: intFrom('RELAY_CALCOM_TIMEOUT_MS', 10_000, 100, 120_000),
  RELAY_APPROVAL: optionalString.refine(
    (v) => v === undefined || v === 'auto' || v === 'manual',
    'RELAY_APPROVAL must be auto or manual',
  ),
  RELAY_ADMIN_TOKEN: optionalString.refine(
    (v) => v === undefined || v.length >= 32,
    'RELAY_ADMIN_TOKEN must be at least 32 characters',
  ),
  RELAY_METRICS_TOKEN: optionalString.refine(
    (v) => v === undefined || v.length >= 16,
    'RELAY_METRICS_TOKEN must be at least 16 characters',
  ),
  RELAY_MAIL_MAX_RECIPIENTS: intFrom('RELAY_MAIL_MAX_RECIPIENTS', 10, 1, 1000),
  RELAY_MAIL_DAILY_CAP: intFrom('RELAY_MAIL_DAILY_CAP', 200, 1, 1_000_000),
  RELAY_RATE_LIMIT_CHANNEL_CREATE_PER_HOUR: intFrom('RELAY_RATE_LIMIT_CHANNEL_CREATE_PER_HOUR', 30, 1, 1_000_000),
  RELAY_RATE_LIMIT_IDENTITY_PER_MIN: intFrom('RELAY_RATE_LIMIT_IDENTITY_PER_MIN', 10, 1, 1_000_000),
});

/** Every environment variable the relay reads (the deployment template and the README must list each). */
export const RELAY_ENV_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** The sandbox's API in development; Cal.com's cloud API when NODE_ENV=production and nothing is configured. */
const DEV_CALCOM_API_URL = 'http://127.0.0.1:5555';
const CLOUD_CALCOM_API_URL = 'https://api.cal.com';

function storageFrom(databaseUrl: string | undefined, dataDir: string, pollMs: number): StorageConfig {
  if (databaseUrl === undefined) return { kind: 'sqlite', file: path.join(dataDir, 'relay.sqlite') };
  if (isPostgresUrl(databaseUrl)) return { kind: 'postgres', url: databaseUrl, pollMs };
  const rest = databaseUrl.replace(/^(sqlite|file):(\/\/)?/i, '');
  return { kind: 'sqlite', file: path.resolve(dataDir, decodeURIComponent(rest)) };
}

/** Limits that only make sense together: a budget smaller than one allowed body would refuse every large one. */
function limitProblems(e: z.infer<typeof envSchema>): string[] {
  const problems: string[] = [];
  if (e.RELAY_INGEST_INFLIGHT_PER_IP < e.RELAY_BODY_LIMIT)
    problems.push('RELAY_INGEST_INFLIGHT_PER_IP: must be at least RELAY_BODY_LIMIT');
  for (const name of [
    'RELAY_INGEST_BYTES_PER_CHANNEL_PER_DAY',
    'RELAY_INGEST_BYTES_PER_IP_PER_DAY',
    'RELAY_MAX_CHANNEL_BYTES',
  ] as const)
    if (e[name] < e.RELAY_BODY_LIMIT) problems.push(`${name}: must be at least RELAY_BODY_LIMIT`);
  if (e.RELAY_INGEST_INFLIGHT_TOTAL < e.RELAY_INGEST_INFLIGHT_PER_IP)
    problems.push('RELAY_INGEST_INFLIGHT_TOTAL: must be at least RELAY_INGEST_INFLIGHT_PER_IP');
  return problems;
}

/** Reads and validates the relay's environment; throws an Error listing every invalid variable. */
export function loadRelayConfig(env: NodeJS.ProcessEnv): RelayConfig {
  const parsed = envSchema.safeParse(env);
  const lines = [
    ...(parsed.success
      ? limitProblems(parsed.data)
      : parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`)),
    ...productionProblems(env),
  ];
  if (!parsed.success || lines.length > 0)
    throw new Error(`Invalid relay configuration:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  const e = parsed.data;
  return Object.freeze({
    host: e.RELAY_HOST,
    port: e.RELAY_PORT,
    publicUrl: e.RELAY_PUBLIC_URL,
    dataDir: e.RELAY_DATA_DIR,
    storage: storageFrom(e.DATABASE_URL, e.RELAY_DATA_DIR, e.RELAY_STREAM_POLL_MS),
    registrationKey: e.RELAY_REGISTRATION_KEY,
    bodyLimitBytes: e.RELAY_BODY_LIMIT,
    ingestInflight: { perClientBytes: e.RELAY_INGEST_INFLIGHT_PER_IP, totalBytes: e.RELAY_INGEST_INFLIGHT_TOTAL },
    ingestQuota: {
      perChannelBytesPerDay: e.RELAY_INGEST_BYTES_PER_CHANNEL_PER_DAY,
      maxChannelBytes: e.RELAY_MAX_CHANNEL_BYTES,
      perClientBytesPerDay: e.RELAY_INGEST_BYTES_PER_IP_PER_DAY,
      minFreeDiskBytes: e.RELAY_MIN_FREE_DISK,
      approvedDiskReserveBytes: e.RELAY_APPROVED_DISK_RESERVE,
    },
    retention: {
      unackedMs: e.RELAY_RETENTION_UNACKED_DAYS,
      ackedMs: e.RELAY_RETENTION_ACKED_DAYS,
      pruneIntervalMs: e.RELAY_PRUNE_INTERVAL_MS,
    },
    trustProxy: e.RELAY_TRUST_PROXY,
    heartbeatMs: e.RELAY_HEARTBEAT_MS,
    rateLimits: {
      ingestPerIpPerMinute: e.RELAY_RATE_LIMIT_IP_PER_MIN,
      ingestPerChannelPerMinute: e.RELAY_RATE_LIMIT_CHANNEL_PER_MIN,
      apiPerIpPerMinute: e.RELAY_RATE_LIMIT_API_PER_MIN,
      streamOpensPerIpPerMinute: e.RELAY_RATE_LIMIT_STREAM_PER_MIN,
    },
    stream: {
      maxStreams: e.RELAY_MAX_STREAMS,
      maxPerClient: e.RELAY_MAX_STREAMS_PER_IP,
      maxPerChannel: e.RELAY_MAX_STREAMS_PER_CHANNEL,
      drainTimeoutMs: e.RELAY_STREAM_DRAIN_TIMEOUT_MS,
      bufferBytes: 256 * 1024,
    },
    http: {
      // Node requires headersTimeout <= requestTimeout.
      headersTimeoutMs: Math.min(e.RELAY_HEADERS_TIMEOUT_MS, e.RELAY_REQUEST_TIMEOUT_MS),
      requestTimeoutMs: e.RELAY_REQUEST_TIMEOUT_MS,
      maxConnectionsPerIp: e.RELAY_MAX_CONNECTIONS_PER_IP,
    },
    appScheme: e.RELAY_APP_SCHEME,
    logLevel: e.RELAY_LOG_LEVEL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    smtpMaxConnections: e.SMTP_MAX_CONNECTIONS,
    trust: {
      calcomApiUrl: e.RELAY_CALCOM_API_URL ?? (e.NODE_ENV === 'production' ? CLOUD_CALCOM_API_URL : DEV_CALCOM_API_URL),
      calcomTimeoutMs: e.RELAY_CALCOM_TIMEOUT_MS,
      approval:
        (e.RELAY_APPROVAL as 'auto' | 'manual' | undefined) ?? (e.NODE_ENV === 'production' ? 'manual' : 'auto'),
      adminToken: e.RELAY_ADMIN_TOKEN,
      metricsToken: e.RELAY_METRICS_TOKEN,
      mailMaxRecipients: e.RELAY_MAIL_MAX_RECIPIENTS,
      mailDailyCap: e.RELAY_MAIL_DAILY_CAP,
      channelCreatePerIpPerHour: e.RELAY_RATE_LIMIT_CHANNEL_CREATE_PER_HOUR,
      identityPerIpPerMinute: e.RELAY_RATE_LIMIT_IDENTITY_PER_MIN,
    },
  });
}
