import log from 'electron-log/main';
import type { Logger } from '../core/ports';
import { createRedactingLogger } from './redacting-logger';

/** The core's Logger on electron-log (a file in the app's log folder), with secrets redacted before writing. */
export function createElectronLogger(file?: string): Logger {
  log.transports.file.level = 'info';
  if (file) log.transports.file.resolvePathFn = () => file;
  return createRedactingLogger((level, message, fields) =>
    fields ? log[level](message, fields) : log[level](message),
  );
}
