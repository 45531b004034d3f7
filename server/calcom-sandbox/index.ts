import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import { BookingService } from './booking-service';
import type { SandboxContext } from './context';
import { FaultState } from './faults';
import { buildClients } from './oauth-clients';
import { defaultRedirectUris, resolveOptions, type SandboxOptions } from './options';
import { RateLimiter } from './rate-limit';
import { SandboxApi } from './sandbox-api';
import { SandboxStore } from './store';
import { TokenService } from './token-service';
import { WebhookSender } from './webhook-sender';

export type { SandboxOptions, SandboxLogger } from './options';
export type { BookingResult, CreateBookingInput } from './booking-service';
export type { Delivery } from './webhook-sender';
export type { SandboxFaults, ApiFault } from './faults';
export type { V2BookingOut } from './v2-booking';
export type { EventTypeView, WebhookView } from './sandbox-api';
export { SandboxError } from './http-errors';
export { signBody } from './webhook-sender';

/** A running (or startable) local Cal.com: app pages, OAuth, API v2, webhooks and the admin API on one base URL. */
export interface Sandbox extends SandboxApi {
  /** Starts listening; resolves to the base URL (e.g. http://127.0.0.1:5555). */
  start(): Promise<string>;
  /** Stops listening and drops open connections (including requests held by a `timeout` fault). */
  stop(): Promise<void>;
  /** The base URL; throws before start(). */
  readonly url: string;
}

/** Creates a sandbox. Throws on invalid options, an unacceptable redirect URI, or an unreadable data file. */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const opts = resolveOptions(options);
  const store = new SandboxStore(opts.dataFile);
  const faults = new FaultState();
  let baseUrl: string | undefined;
  const getUrl = () => {
    if (!baseUrl) throw new Error('The sandbox is not started yet');
    return baseUrl;
  };
  const tokens = new TokenService(store, opts.accessTokenTtlSeconds);
  const clock = {
    offsetMs: opts.clockOffsetMs,
    now(): Date {
      return new Date(Date.now() + this.offsetMs);
    },
  };
  const sender = new WebhookSender(faults, opts.webhookTimeoutMs, opts.logger);
  const ctx: SandboxContext = {
    store,
    options: opts,
    clients: buildClients([...defaultRedirectUris(opts.relayPublicUrl), ...opts.redirectUris]),
    tokens,
    bookings: new BookingService(store, sender, getUrl, () => clock.now()),
    faults,
    rateLimiter: new RateLimiter(opts.rateLimitPerMinute),
    ipRateLimiter: new RateLimiter(120),
    baseUrl: getUrl,
    clock,
  };
  const api = new SandboxApi(ctx);
  const app = buildApp(ctx, api);
  let server: Server | undefined;

  const lifecycle = {
    async start(): Promise<string> {
      if (baseUrl) return baseUrl;
      const s = app.listen(opts.port, opts.host);
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('listening', resolve);
        s.once('error', reject);
      });
      const { port } = s.address() as AddressInfo;
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      baseUrl = `http://${host}:${port}`;
      opts.logger.info({ url: baseUrl }, 'Cal.com sandbox listening');
      return baseUrl;
    },
    async stop(): Promise<void> {
      const s = server;
      server = undefined;
      baseUrl = undefined;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };

  // The Sandbox is the SandboxApi instance plus lifecycle and url, so every admin method keeps its JSDoc.
  return Object.defineProperties(api, {
    start: { value: lifecycle.start },
    stop: { value: lifecycle.stop },
    url: { get: getUrl, enumerable: true },
  }) as unknown as Sandbox;
}
