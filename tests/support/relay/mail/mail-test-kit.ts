import type { ParsedMail } from 'mailparser';
import { vi } from 'vitest';
import type { MailProfile } from '../../../../server/relay/mail/email-rules';
import type { MailLogger } from '../../../../server/relay/mail/mail-logger';
import { takeWithin } from '../../../../server/relay/store/event-page';

/** Test helpers (not a test file) shared by the mailer's tests. */

export const danaProfile: MailProfile = {
  slug: 'dana-reyes',
  name: 'Dana Reyes',
  email: 'dana@example.com',
  preparationTips: '- Bring your sleep diary\n- Wear something comfortable',
  emailsEnabled: true,
};

export const quietLogger = (): MailLogger & { lines: string[] } => {
  const lines: string[] = [];
  const rec = (obj: object, msg?: string) => void lines.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
  return { lines, info: rec, warn: rec, error: rec, debug: rec };
};

export const fixedProfiles = (profile: MailProfile | undefined) => ({
  getProfileForChannel: vi.fn(async () => profile),
});

/** Polls until the condition holds (real timers: the worker, sockets and SMTP are all real). */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 8000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The iCalendar text of a received mail, unfolded (RFC 5545 §3.1), or undefined. */
export function icsOf(mail: ParsedMail): string | undefined {
  const a = mail.attachments.find((x) => x.contentType.startsWith('text/calendar'));
  return a?.content.toString('utf8').replace(/\r?\n[ \t]/g, '');
}

export const fast = {
  retry: { baseMs: 40, maxMs: 200 },
  pollMs: 100,
  smtpTimeoutsMs: { connection: 2000, greeting: 2000, socket: 5000 },
};

/**
 * The relay's event log as the mailer sees it, in memory: jobs point at stored events and are rendered from them
 * when sent (issue 18), so a mailer started on an existing outbox (a restart) reads them here. `recording` wraps a
 * mailer so every event it is given is "stored" first, as the relay stores before it tells the mailer.
 */
export function memoryEventLog() {
  const events = new Map<string, Map<number, Buffer>>();
  const add = (channelId: string, e: { seq: number; body: Buffer }) => {
    let ch = events.get(channelId);
    if (!ch) events.set(channelId, (ch = new Map()));
    ch.set(e.seq, e.body);
  };
  return {
    add,
    async listEvents(channelId: string, afterSeq: number, limit: number, maxBytes = Infinity) {
      const ch = events.get(channelId) ?? new Map<number, Buffer>();
      const inOrder = [...ch.entries()]
        .filter(([seq]) => seq > afterSeq)
        .sort(([a], [b]) => a - b)
        .map(([seq, body]) => ({ seq, body, receivedAt: Date.now() }));
      return takeWithin(inOrder, { limit, maxBytes });
    },
    async backlog() {
      return [...events.keys()].map((channelId) => ({ channelId }));
    },
    recording<
      M extends {
        enqueueEvent(c: string, e: { seq: number; body: Buffer }): Promise<number>;
        onEventStored(c: string, e: { seq: number; body: Buffer }): void;
      },
    >(mailer: M): M {
      const enqueueEvent = mailer.enqueueEvent.bind(mailer);
      const onEventStored = mailer.onEventStored.bind(mailer);
      mailer.enqueueEvent = (c, e) => (add(c, e), enqueueEvent(c, e));
      mailer.onEventStored = (c, e) => (add(c, e), onEventStored(c, e));
      return mailer;
    },
  };
}
