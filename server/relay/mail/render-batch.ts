import fs from 'node:fs';
import path from 'node:path';
import type { SendMailOptions } from 'nodemailer';
import { webhookEnvelopeSchema, type WebhookEnvelope } from '../../../common/calcom';
import type { OutboxMessage, OutboxRow } from './outbox-store';
import { composeMime } from './mime';
import { renderJob } from './email-rules';

/** One send-time render request: the claimed jobs and the stored events they point at (each body once). */
export interface RenderRequest {
  readonly publicUrl: string;
  readonly from: string;
  readonly events: ReadonlyArray<{ readonly channelId: string; readonly seq: number; readonly body: Uint8Array }>;
  /** `event`: index into `events`; -1 for a job whose event is gone (or a legacy row, which carries its message). */
  readonly jobs: ReadonlyArray<{ readonly row: OutboxRow; readonly event: number }>;
  /**
   * The .eml transport's folder: the mail thread writes each message there itself (temp file + rename) and answers
   * `written`, so the main thread only records it as sent.
   */
  readonly writeTo?: string;
}

/** A job ready to hand to the transport (the complete RFC 5322 message), or why it can't be. */
export type Rendered =
  | {
      readonly ok: true;
      readonly raw: Uint8Array;
      readonly envelope: { readonly from: string; readonly to: string[] };
      readonly messageId: string;
      readonly written?: string;
    }
  /** permanent: the event is gone or no longer asks for this email; else (a crashed renderer) it is retried. */
  | { readonly ok: false; readonly permanent: boolean; readonly error: string };

/** The same message as nodemailer options (kept for comparison in mime.test.ts); Message-ID derives from the dedupe key so a rare resend after a crash is recognisable. */
export function toMailOptions(row: Pick<OutboxRow, 'key' | 'kind'>, m: OutboxMessage, from: string): SendMailOptions {
  return {
    from,
    to: m.to,
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: `<${row.key.slice(0, 40)}@lifescore-relay>`,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-LifeScore-Kind': row.kind },
    ...(m.ics
      ? {
          attachments: [
            {
              filename: m.ics.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
              content: m.ics.content,
              contentType: `text/calendar; charset=utf-8; method=${m.ics.method}`,
            },
          ],
        }
      : {}),
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseEnvelope(body: Uint8Array): WebhookEnvelope | undefined {
  try {
    const env = webhookEnvelopeSchema.safeParse(JSON.parse(utf8.decode(body)));
    return env.success ? env.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Renders claimed jobs into complete messages: HTML, text, the invite and the MIME encoding, the CPU-heavy part of
 * mailing (runs on the mail thread, planner-worker.ts). Each event is parsed once per batch and its invite built once.
 */
export function renderBatch(req: RenderRequest): Promise<Rendered[]> {
  const envs = req.events.map((e) => parseEnvelope(e.body));
  const cache = new Map<string, unknown>();
  const date = Date.now();
  return Promise.resolve(
    req.jobs.map(({ row, event }): Rendered => {
      let message = row.legacyMessage;
      if (!message) {
        if (event < 0) return { ok: false, permanent: true, error: 'the event is no longer stored (retention)' };
        const env = envs[event];
        message = env && renderJob(env, row, req.publicUrl, cache);
        if (!message) return { ok: false, permanent: true, error: 'the stored event no longer renders this email' };
      }
      let composed;
      try {
        composed = composeMime(row, message, req.from, date);
      } catch (err) {
        return {
          ok: false,
          permanent: true,
          error: `could not build the message: ${(err as Error).message}`.slice(0, 300),
        };
      }
      if (!req.writeTo) return { ok: true, ...composed };
      try {
        return {
          ok: true,
          ...composed,
          raw: new Uint8Array(0),
          written: writeEmlSync(req.writeTo, composed.messageId, composed.raw),
        };
      } catch (err) {
        // A full disk or a removed folder: transient, retried with backoff like a refused SMTP connection.
        return {
          ok: false,
          permanent: false,
          error: `could not write the .eml file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        };
      }
    }),
  );
}

let madeDir: string | undefined;

/** Writes one message atomically (temp file + rename), so a crash never leaves half a message that looks complete. */
export function writeEmlSync(dir: string, messageId: string, raw: Uint8Array): string {
  if (madeDir !== dir) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    madeDir = dir;
  }
  const safeId = messageId.replace(/[^A-Za-z0-9.@_-]/g, '');
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeId}.eml`);
  try {
    fs.writeFileSync(`${file}.tmp`, raw, { mode: 0o600 });
  } catch (err) {
    madeDir = undefined; // the folder may be gone: made again on the next attempt
    throw err;
  }
  fs.renameSync(`${file}.tmp`, file);
  return file;
}
