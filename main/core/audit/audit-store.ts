import Database from 'better-sqlite3';
import type { AuditEntry, AuditQuery } from '../../../common/audit';
import { AUDIT_RETENTION_DAYS, auditQuerySchema } from '../../../common/audit';

/** What a caller records; the store adds the id and the ISO time. */
export type AuditRecord = Omit<AuditEntry, 'id' | 'at'> & { readonly atMs: number };

export interface AuditStore {
  record(r: AuditRecord): void;
  list(query: AuditQuery): AuditEntry[];
  /** Deletes entries older than the retention (30 days); returns how many went. */
  prune(): number;
  close(): void;
}

const DAY_MS = 86_400_000;
const PRUNE_EVERY = 500;

interface Row {
  id: number;
  at_ms: number;
  kind: 'api' | 'oauth';
  method: string;
  path: string;
  status: number | null;
  outcome: AuditEntry['outcome'];
  duration_ms: number;
  attempt: number;
  after_refresh: number;
  grant_type: string | null;
  rate_limit: string | null;
}

/**
 * The audit log in the app's SQLite database (table `calcom_audit`, created by the bookings migrations), on its own
 * connection: the booking store's transactions and this log's writes never wait for each other beyond SQLite's lock.
 */
export function openAuditStore(file: string, now: () => number): AuditStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'calcom_audit'").get();
  if (!hasTable) {
    db.close();
    throw new Error('The database has no calcom_audit table (not migrated by the booking store).');
  }
  const insert = db.prepare(
    `INSERT INTO calcom_audit (at_ms, kind, method, path, status, outcome, duration_ms, attempt, after_refresh, grant_type, rate_limit)
     VALUES (@at_ms, @kind, @method, @path, @status, @outcome, @duration_ms, @attempt, @after_refresh, @grant_type, @rate_limit)`,
  );
  const del = db.prepare('DELETE FROM calcom_audit WHERE at_ms < ?');
  let writes = 0;
  const prune = () => del.run(now() - AUDIT_RETENTION_DAYS * DAY_MS).changes;
  prune();
  return {
    record(r) {
      insert.run({
        at_ms: r.atMs,
        kind: r.kind,
        method: r.method,
        path: r.path.slice(0, 500),
        status: r.status,
        outcome: r.outcome,
        duration_ms: r.durationMs,
        attempt: r.attempt,
        after_refresh: r.afterRefresh ? 1 : 0,
        grant_type: r.grant,
        rate_limit: r.rateLimit,
      });
      if (++writes % PRUNE_EVERY === 0) prune();
    },
    list(query) {
      const q = auditQuerySchema.parse(query);
      const where: string[] = [];
      const args: (string | number)[] = [];
      const add = (clause: string, ...values: (string | number)[]) => {
        where.push(clause);
        args.push(...values);
      };
      if (q.kind) add('kind = ?', q.kind);
      if (q.failuresOnly) add("outcome <> 'ok'");
      if (q.path) add('instr(path, ?) > 0', q.path);
      if (q.sinceHours) add('at_ms >= ?', now() - q.sinceHours * 3_600_000);
      const sql = `SELECT * FROM calcom_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at_ms DESC, id DESC LIMIT ?`;
      return (db.prepare(sql).all(...args, q.limit) as Row[]).map(toEntry);
    },
    prune,
    close: () => db.close(),
  };
}

function toEntry(r: Row): AuditEntry {
  return {
    id: r.id,
    at: new Date(r.at_ms).toISOString(),
    kind: r.kind,
    method: r.method,
    path: r.path,
    status: r.status,
    outcome: r.outcome,
    durationMs: r.duration_ms,
    attempt: r.attempt,
    afterRefresh: r.after_refresh === 1,
    grant: r.grant_type,
    rateLimit: r.rate_limit,
  };
}

/** The entries as CSV (RFC 4180, a header row), for the export button. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const cols = [
    'at',
    'kind',
    'method',
    'path',
    'status',
    'outcome',
    'durationMs',
    'attempt',
    'afterRefresh',
    'grant',
    'rateLimit',
  ] as const;
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    // A leading = + - @ would be a formula in a spreadsheet: quote it with a leading apostrophe.
    const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [cols.join(','), ...entries.map((e) => cols.map((c) => cell(e[c])).join(','))].join('\r\n') + '\r\n';
}
