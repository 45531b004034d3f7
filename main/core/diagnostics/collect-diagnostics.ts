import fs from 'node:fs';
import type {
  CalcomReadIssue,
  DebugState,
  Diagnostics,
  QuarantinedEvent,
  RuntimeVersions,
} from '../../../common/diagnostics';
import type { ActivityLog } from './activity-log';
import type { AuditEntry } from '../../../common/audit';

/** How many quarantined events the screen lists (newest first); the count on the dashboard covers all of them. */
const QUARANTINE_SHOWN = 100;

export interface DiagnosticsSources {
  readonly versions: RuntimeVersions;
  readonly dataFolder: string;
  readonly databaseFile: string;
  readonly activity: ActivityLog;
  /** The connected channel's quarantined inbox entries ([] when not connected or the store is closed). */
  readonly quarantined: () => ReadonlyArray<{
    seq: number;
    receivedAt: string;
    reason: string | null;
    trigger: string | null;
  }>;
  /** Bookings from Cal.com the connected account's sync could not read, and unknown statuses (issue 22). */
  readonly calcomReadIssues?: () => readonly CalcomReadIssue[];
  /** The newest audit log entries (issue 19). */
  readonly calcomCalls?: () => readonly AuditEntry[];
  readonly debug?: () => DebugState;
  readonly webhookBodies?: () => NonNullable<Diagnostics['webhookBodies']>;
}

const sizeOf = (file: string): number => {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
};

/** Assembles Settings → Diagnostics; never reads event bodies (they hold client details). */
export function collectDiagnostics(src: DiagnosticsSources): Diagnostics {
  const quarantined: QuarantinedEvent[] = [...src.quarantined()]
    .sort((a, b) => b.seq - a.seq)
    .slice(0, QUARANTINE_SHOWN)
    .map((e) => ({ seq: e.seq, receivedAt: e.receivedAt, reason: e.reason ?? 'unknown', trigger: e.trigger }));
  return {
    versions: src.versions,
    dataFolder: src.dataFolder,
    // The WAL holds recent writes until a checkpoint: both count towards what the folder holds.
    database: { file: src.databaseFile, sizeBytes: sizeOf(src.databaseFile) + sizeOf(`${src.databaseFile}-wal`) },
    activity: src.activity.entries(),
    quarantined,
    calcomReadIssues: src.calcomReadIssues?.().slice(0, QUARANTINE_SHOWN) ?? [],
    calcomCalls: src.calcomCalls?.() ?? [],
    debug: src.debug?.() ?? { active: false },
    webhookBodies: src.webhookBodies?.() ?? [],
  };
}
