/** Booking emails (issue 8): a durable outbox fed by stored webhooks, sent by nodemailer. */
export { createMailer, type Mailer, type MailerOptions, type MailGate, type MailSourceEvent } from './mailer';
export type { MailEventLog } from './catch-up';
export { registerMailMetrics } from './metrics';
export { createSqliteOutboxStore } from '../store/sqlite/sqlite-outbox-store';
export { DEFAULT_TIPS, planEmails, type MailProfile } from './email-rules';
export type { MailKind, NewOutboxItem, OutboxCounts, OutboxStore } from './outbox-store';
export { inlinePlanner, planFromBody, type EmailPlanner, type PlanInput, type PlanOutput } from './planner';
export { createThreadedPlanner } from './planner-proxy';
export { createMailPacer, type MailPacer } from './mail-pacer';
