import type { ActivityEntry, LogLevel } from '../../../common/diagnostics';
import { redact } from '../log-redaction';
import type { Logger } from '../ports';

/** The last `capacity` log lines, kept in memory for Settings → Diagnostics. */
export interface ActivityLog {
  /** A logger that writes to `inner` and keeps a redacted copy here. */
  tee(inner: Logger): Logger;
  /** Newest first. */
  entries(): ActivityEntry[];
}

const MAX_VALUE_CHARS = 300;

/** Flattens redacted fields to printable primitives: the screen shows them as `key: value`. */
function flatten(fields: Record<string, unknown> | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (!fields) return out;
  for (const [k, v] of Object.entries(redact(fields) as Record<string, unknown>)) {
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string') out[k] = v.slice(0, MAX_VALUE_CHARS);
    else if (v !== undefined) out[k] = JSON.stringify(v).slice(0, MAX_VALUE_CHARS);
  }
  return out;
}

/** A ring buffer of log lines (no file: the log file is the glue's business; this is what the UI can show). */
export function createActivityLog(capacity = 200, now: () => number = Date.now): ActivityLog {
  const ring: ActivityEntry[] = [];
  const keep = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    ring.push({
      at: new Date(now()).toISOString(),
      level,
      message: String(redact(message)).slice(0, MAX_VALUE_CHARS),
      details: flatten(fields),
    });
    if (ring.length > capacity) ring.splice(0, ring.length - capacity);
  };
  return {
    tee(inner) {
      const both = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
        inner[level](msg, fields);
        keep(level, msg, fields);
      };
      return { info: both('info'), warn: both('warn'), error: both('error') };
    },
    entries: () => [...ring].reverse(),
  };
}
