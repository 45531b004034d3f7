import type { AuditEntry } from './audit';

/** What Settings → Diagnostics shows: enough for a consultant to describe a problem, nothing secret. */

export interface RuntimeVersions {
  readonly app: string;
  /** Absent in the browser host. */
  readonly electron?: string;
  readonly chrome?: string;
  readonly node: string;
  /** e.g. "linux x64". */
  readonly platform: string;
  readonly host: 'electron' | 'browser';
}

export type LogLevel = 'info' | 'warn' | 'error';

/** One line of the app's recent activity (secrets redacted before it is kept). */
export interface ActivityEntry {
  readonly at: string;
  readonly level: LogLevel;
  readonly message: string;
  /** Flat, printable fields (codes, counts, statuses). */
  readonly details: Readonly<Record<string, string | number | boolean>>;
}

/** A relay event the app kept but could not apply (bad signature, unknown shape, unparsable time…). */
export interface QuarantinedEvent {
  readonly seq: number;
  readonly receivedAt: string;
  readonly reason: string;
  readonly trigger: string | null;
}

export interface Diagnostics {
  readonly versions: RuntimeVersions;
  /** Where the database, settings and logs live. */
  readonly dataFolder: string;
  readonly database: { readonly file: string; readonly sizeBytes: number };
  /** Newest first. */
  readonly activity: readonly ActivityEntry[];
  /** Newest first; empty when not connected. */
  readonly quarantined: readonly QuarantinedEvent[];
  /** Bookings from Cal.com that could not be read, and unknown statuses; newest first (absent: not connected). */
  readonly calcomReadIssues?: readonly CalcomReadIssue[];
  /** The newest Cal.com calls from the audit log (issue 19); the full log is in Settings → Cal.com calls. */
  readonly calcomCalls?: readonly AuditEntry[];
  /** Debug mode (issue 19) and, while it is on, the last webhook bodies received, redacted. */
  readonly debug?: DebugState;
  readonly webhookBodies?: ReadonlyArray<{
    readonly at: string;
    readonly trigger: string | null;
    readonly body: string;
  }>;
}

/** Debug mode: on from Settings for one day (`until`), or for the run with LIFESCORE_DEBUG=1 (`env`). */
export type DebugState =
  | { readonly active: false }
  | { readonly active: true; readonly source: 'env' }
  | { readonly active: true; readonly source: 'setting'; readonly until: string };

/** A booking from Cal.com the app could not read (kept raw), or one whose status it did not know (issue 22). */
export interface CalcomReadIssue {
  readonly key: string;
  readonly kind: 'unreadable' | 'unknown-status';
  readonly uid: string | null;
  /** What did not fit (field path and message), or the unknown status and the fallback used. */
  readonly reason: string;
  /** The booking as Cal.com sent it (JSON); shown under "details", on this machine only. */
  readonly raw: string;
  readonly seenAt: string;
}
