import { z } from 'zod';

/**
 * One Cal.com API call or OAuth exchange as the app recorded it (issue 19, "Audit logging: log all Cal.com API calls"):
 * what, when, how it went. Never a token, code, secret or body; query values that may be personal data are dropped.
 */
export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly kind: 'api' | 'oauth';
  readonly method: string;
  /** Path with ids kept; query values outside a short safe list replaced by `…`. */
  readonly path: string;
  /** HTTP status; null when no answer came (network error, timeout). */
  readonly status: number | null;
  readonly outcome: 'ok' | 'http-error' | 'network' | 'timeout';
  readonly durationMs: number;
  /** 0 for the first try; retries count up. */
  readonly attempt: number;
  /** The call was replayed after a token refresh (a 401 first). */
  readonly afterRefresh: boolean;
  /** OAuth: which grant (authorization_code or refresh_token). */
  readonly grant: string | null;
  /** Cal.com's X-RateLimit-* headers as `name=value` pairs, e.g. "limit-default=500 remaining-default=497 reset-default=60". */
  readonly rateLimit: string | null;
}

/** Filters of Settings → Diagnostics → Cal.com calls. */
export const auditQuerySchema = z
  .object({
    kind: z.enum(['api', 'oauth']).optional(),
    /** Only failures (HTTP ≥ 400 or no answer). */
    failuresOnly: z.boolean().optional(),
    /** Substring of the path, e.g. "/v2/bookings". */
    path: z.string().max(200).optional(),
    sinceHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .optional(),
    limit: z.number().int().min(1).max(5000).default(200),
  })
  .strict();
export type AuditQuery = z.input<typeof auditQuerySchema>;

/** How long entries are kept. */
export const AUDIT_RETENTION_DAYS = 30;
