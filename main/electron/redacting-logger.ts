import type { Logger } from '../core/ports';
import { redact } from '../core/log-redaction';

export type LogLevel = 'info' | 'warn' | 'error';

/** Where log lines go (electron-log in the app): a message, and the fields when there are any. */
export type LogSink = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/**
 * The core's Logger over a sink, redacting before anything is written: tokens, codes and secrets in the message
 * text (query parameters) and in the fields (secret-named keys, deeply; Error objects reduced to name + message,
 * so a stack or a cause carrying a request never reaches the file).
 */
export function createRedactingLogger(sink: LogSink): Logger {
  const write = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    const text = redact(msg) as string;
    if (fields) sink(level, text, redact(fields) as Record<string, unknown>);
    else sink(level, text);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
