import { webhookEnvelopeSchema } from '../../../common/calcom';
import type { NewOutboxItem } from './outbox-store';
import { planEmails, type MailProfile } from './plan-emails';

/** What the planner needs to turn one stored webhook into rendered emails (all plain data: it crosses threads). */
export interface PlanInput {
  readonly channelId: string;
  /** The webhook body exactly as stored. */
  readonly body: Uint8Array;
  readonly profile: MailProfile | undefined;
  readonly publicUrl: string;
  readonly now: number;
}

/** `ignored`: not a booking email trigger, or a body the contract doesn't accept (the cursor still moves past it). */
export type PlanOutput = { readonly kind: 'ignored' } | { readonly kind: 'planned'; readonly trigger: string; readonly items: NewOutboxItem[] };

/** Turns webhooks into rendered emails: in this thread, or on a worker thread (planner-thread.ts). */
export interface EmailPlanner {
  plan(input: PlanInput): Promise<PlanOutput>;
  close(): Promise<void>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses, validates and renders: the CPU-heavy part of mailing (HTML, text and iCalendar for every recipient). */
export function planFromBody(input: PlanInput): PlanOutput {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(input.body));
  } catch {
    return { kind: 'ignored' };
  }
  const env = webhookEnvelopeSchema.safeParse(json);
  if (!env.success || env.data.triggerEvent === 'PING' || env.data.triggerEvent === 'BOOKING_NO_SHOW_UPDATED') return { kind: 'ignored' };
  const items = planEmails(env.data, { channelId: input.channelId, profile: input.profile, publicUrl: input.publicUrl, now: input.now });
  return { kind: 'planned', trigger: env.data.triggerEvent, items };
}

/** Plans on the calling thread (tests, and hosts that can't start workers). */
export const inlinePlanner: EmailPlanner = {
  plan: (input) => Promise.resolve().then(() => planFromBody(input)),
  close: () => Promise.resolve(),
};
