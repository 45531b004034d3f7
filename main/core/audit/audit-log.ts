import type { AuditEntry, AuditQuery } from '../../../common/audit';
import type { Clock, Logger } from '../ports';
import type { AuditStore } from './audit-store';
import { openAuditStore } from './audit-store';
import type { AuditSink } from './audited-fetch';

/**
 * The audit log as the core uses it (issue 19): a sink every Cal.com call and OAuth exchange goes to from the start,
 * recorded once start() has opened the store (after the bookings migrations created its table), dropped before.
 */
export interface AuditLog {
  readonly sink: AuditSink;
  open(databaseFile: string): void;
  close(): void;
  /** Newest first; empty while the store is closed. */
  list(query: AuditQuery): AuditEntry[];
}

export interface AuditLogDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Debug mode's verbose line (no body, no token). */
  readonly verbose: (message: string, fields: Record<string, unknown>) => void;
}

export function createAuditLog(deps: AuditLogDeps): AuditLog {
  const { logger } = deps;
  let store: AuditStore | null = null;
  return {
    sink(r) {
      const { kind, method, path, durationMs, attempt, afterRefresh } = r;
      const status = r.status ?? r.outcome;
      deps.verbose('calcom call', { kind, method, path, status, durationMs, attempt, afterRefresh });
      try {
        store?.record(r);
      } catch (err) {
        logger.warn('audit log write failed', { err: String(err) });
      }
    },
    open(databaseFile) {
      try {
        store = openAuditStore(databaseFile, () => deps.clock.now());
      } catch (err) {
        logger.warn('the audit log could not be opened; Cal.com calls are not recorded', { err: String(err) });
      }
    },
    close() {
      store?.close();
      store = null;
    },
    list: (query) => store?.list(query) ?? [],
  };
}
