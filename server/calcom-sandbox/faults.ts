import { z } from 'zod';

const apiFaultSchema = z
  .object({
    /** What to answer: a 500, a 429 in Cal.com's throttler shape, or no answer at all (socket closed after hangMs). */
    mode: z.enum(['500', '429', 'timeout']),
    /** Only for the next N matching calls; forever (until cleared) when absent. */
    times: z.number().int().positive().optional(),
    /** A regular expression matched against the request path (e.g. `^/v2/bookings`); every /v2 path when absent. */
    path: z.string().min(1).optional(),
    /** For `timeout`: how long to hold the request before dropping the connection (default 30 s). */
    hangMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict();
/** One API fault rule. */
export type ApiFault = z.infer<typeof apiFaultSchema>;

/** Fault injection settings (replace-all semantics: setFaults({}) clears everything). */
export const faultsSchema = z
  .object({
    webhooks: z
      .object({
        /** Drop (never send) every delivery, or the next N deliveries. */
        drop: z.union([z.literal('all'), z.number().int().min(0)]).optional(),
        /** Wait this long before each delivery (the booking action still awaits it). */
        delayMs: z.number().int().min(0).max(600_000).optional(),
      })
      .strict()
      .optional(),
    api: z.array(apiFaultSchema).optional(),
    /**
     * Paging-while-changing mode: before answering each GET /v2/bookings, the caller's `perRequest` bookings with
     * the oldest updatedAt are changed (description and updatedAt), so they jump behind the pages already read.
     */
    bookingsChurn: z
      .object({ perRequest: z.number().int().min(1).max(100) })
      .strict()
      .optional(),
    /**
     * Issue 19: act like Cal.com for a personal (non-organization) account, which does not honour an event type's
     * `emailSettings` (its standard emails stay on): the field is accepted and left out of the answer.
     */
    emailSettingsIgnored: z.boolean().optional(),
  })
  .strict();
export type SandboxFaults = z.infer<typeof faultsSchema>;

/** The current faults, with counters that run down as calls consume them. */
export class FaultState {
  private faults: SandboxFaults = {};

  /** Replaces all faults (validated). */
  set(f: SandboxFaults): void {
    this.faults = faultsSchema.parse(structuredClone(f));
  }

  get(): SandboxFaults {
    return structuredClone(this.faults);
  }

  /** True when this delivery must be dropped (consumes one of N). */
  takeWebhookDrop(): boolean {
    const drop = this.faults.webhooks?.drop;
    if (drop === 'all') return true;
    if (typeof drop === 'number' && drop > 0 && this.faults.webhooks) {
      this.faults.webhooks.drop = drop - 1;
      return true;
    }
    return false;
  }

  /** How many bookings change before each bookings page is answered (0: the mode is off). */
  emailSettingsIgnored(): boolean {
    return this.faults.emailSettingsIgnored === true;
  }

  bookingsChurn(): number {
    return this.faults.bookingsChurn?.perRequest ?? 0;
  }

  webhookDelayMs(): number {
    return this.faults.webhooks?.delayMs ?? 0;
  }

  /** The API fault that applies to this path, if any (consumes one of N). An invalid regex never matches. */
  takeApiFault(path: string): ApiFault | null {
    const rules = this.faults.api ?? [];
    for (const rule of rules) {
      if (rule.path !== undefined && !safeTest(rule.path, path)) continue;
      if (rule.times !== undefined) {
        rule.times -= 1;
        if (rule.times <= 0) this.faults.api = rules.filter((r) => r !== rule);
      }
      return { ...rule };
    }
    return null;
  }
}

function safeTest(pattern: string, path: string): boolean {
  try {
    return new RegExp(pattern).test(path);
  } catch {
    return false;
  }
}
