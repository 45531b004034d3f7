import { createHmac } from 'node:crypto';
import { CALCOM_WEBHOOK_VERSION, NO_SECRET_SIGNATURE } from '../../common/calcom';
import type { FaultState } from './faults';
import type { SandboxLogger } from './options';
import type { SandboxWebhook } from './state';
import type { WebhookEnvelopeOut } from './webhook-payload';

/** The outcome of one delivery attempt: the HTTP status, or why nothing was received. */
export interface Delivery {
  readonly webhookId: string;
  readonly url: string;
  readonly triggerEvent: string;
  readonly status?: number;
  readonly error?: string;
}

/** Cal.com's createWebhookSignature: lowercase hex HMAC-SHA256 of the exact body string, keyed by the secret. */
export function signBody(body: string, secret: string | null): string {
  if (!secret) return NO_SECRET_SIGNATURE;
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Sends webhooks as Cal.com's sendPayload does: one attempt, no redirects followed, no retry on error statuses. */
export class WebhookSender {
  constructor(
    private readonly faults: FaultState,
    private readonly timeoutMs: number,
    private readonly logger: SandboxLogger,
  ) {}

  /** Delivers one envelope to each hook in parallel and reports every outcome (never throws). */
  async deliverAll(hooks: readonly SandboxWebhook[], env: WebhookEnvelopeOut): Promise<Delivery[]> {
    return Promise.all(hooks.map((h) => this.deliver(h, env)));
  }

  private async deliver(hook: SandboxWebhook, env: WebhookEnvelopeOut): Promise<Delivery> {
    const base = { webhookId: hook.id, url: hook.subscriberUrl, triggerEvent: env.triggerEvent };
    if (this.faults.takeWebhookDrop()) {
      this.logger.info({ ...base }, 'webhook dropped by fault injection');
      return { ...base, error: 'dropped (fault injection)' };
    }
    const delay = this.faults.webhookDelayMs();
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    // The body is serialized once; the same string is signed and sent.
    const body = JSON.stringify(env);
    try {
      const res = await fetch(hook.subscriberUrl, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'X-Cal-Signature-256': signBody(body, hook.secret),
          'X-Cal-Webhook-Version': CALCOM_WEBHOOK_VERSION,
        },
      });
      // Drain the body so the connection is released; its content is ignored as Cal.com does.
      await res.arrayBuffer().catch(() => undefined);
      this.logger.info({ ...base, status: res.status }, 'webhook delivered');
      return { ...base, status: res.status };
    } catch (err) {
      const message =
        err instanceof Error
          ? err.name === 'TimeoutError'
            ? `timeout after ${this.timeoutMs} ms`
            : describe(err)
          : String(err);
      this.logger.warn({ ...base, error: message }, 'webhook delivery failed');
      return { ...base, error: message };
    }
  }
}

function describe(err: Error): string {
  const cause = (err as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}
