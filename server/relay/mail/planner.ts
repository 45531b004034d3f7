import { webhookEnvelopeSchema } from '../../../common/calcom';
import type { NewOutboxItem } from './outbox-store';
import { planJobs, type MailProfile } from './email-rules';
import { renderBatch, type RenderRequest, type Rendered } from './render-batch';

/** What the planner needs to turn one stored webhook into mail jobs (all plain data: it crosses threads). */
export interface PlanInput {
  readonly channelId: string;
  /** The event's relay sequence: the jobs point at it. */
  readonly seq?: number;
  /** The webhook body exactly as stored. */
  readonly body: Uint8Array;
  readonly profile: MailProfile | undefined;
  readonly publicUrl: string;
  readonly now: number;
}

/** `ignored`: not a booking email trigger, or a body the contract doesn't accept (the cursor still moves past it). */
export type PlanOutput =
  | { readonly kind: 'ignored' }
  | { readonly kind: 'planned'; readonly trigger: string; readonly items: NewOutboxItem[] };

/** One plan of a batch sent to the mail thread: its output, or why it failed (the others are unaffected). */
export type PlanResult = { readonly output: PlanOutput } | { readonly error: string };

/**
 * The mail thread's two jobs (issue 18): turning a stored webhook into small mail jobs when it arrives (parse,
 * validate, recipients and keys; nothing rendered), and rendering claimed jobs into complete messages when they are
 * sent. In this thread, or on a worker thread (planner-proxy.ts).
 */
export interface EmailPlanner {
  plan(input: PlanInput): Promise<PlanOutput>;
  render(request: RenderRequest): Promise<Rendered[]>;
  close(): Promise<void>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses and validates a webhook and lists its emails as jobs (kind, recipient, key): cheap, nothing rendered. */
export function planFromBody(input: PlanInput): PlanOutput {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(input.body));
  } catch {
    return { kind: 'ignored' };
  }
  const env = webhookEnvelopeSchema.safeParse(json);
  if (!env.success || env.data.triggerEvent === 'PING' || env.data.triggerEvent === 'BOOKING_NO_SHOW_UPDATED')
    return { kind: 'ignored' };
  const items = planJobs(env.data, {
    channelId: input.channelId,
    seq: input.seq ?? 0,
    profile: input.profile,
    publicUrl: input.publicUrl,
    now: input.now,
  });
  return { kind: 'planned', trigger: env.data.triggerEvent, items };
}

/** Plans and renders on the calling thread (tests, and hosts that can't start workers). */
export const inlinePlanner: EmailPlanner = {
  plan: (input) => Promise.resolve().then(() => planFromBody(input)),
  render: (request) => renderBatch(request),
  close: () => Promise.resolve(),
};
