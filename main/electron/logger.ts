import log from 'electron-log/main';
import type { Logger } from '../core/ports';
import { redact } from '../core/log-redaction';

/** The core's Logger on electron-log (a file in the app's log folder), with secrets redacted before writing. */
export function createElectronLogger(): Logger {
  log.transports.file.level = 'info';
  const write = (level: 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) => {
    const text = redact(msg) as string;
    if (fields) log[level](text, redact(fields));
    else log[level](text);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
