/** The slice of pino's Logger the mail module uses (so tests and other hosts can pass anything pino-shaped). */
export interface MailLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}
