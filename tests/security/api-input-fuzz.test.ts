import { resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiHandlers, ApiMethod } from '../../common/api';
import { apiContract, apiMethods } from '../../common/api';
import { errorCodes } from '../../common/errors';
import type { Stack, TestCore } from '../support/app/connect-harness';
import { makeCore, startStack } from '../support/app/connect-harness';
import { dispatchApiCall, isApiMethod } from '../../main/core/api-dispatch';
import type { BrowserHost } from '../../main/host/browser-host';
import { startBrowserHost } from '../../main/host/browser-host';
import { HOST_KEY_HEADER } from '../../main/host/host-bridge-script';
import { rawRequest } from './raw-http';
import { withLastCharacterChanged } from '../support/tampered';

/**
 * Issue 11, bad input: the desktop API boundary (Electron IPC and the browser host share dispatchApiCall). Arbitrary
 * JSON for every method of common/api.ts gets a typed answer; a handler only ever sees input its schema accepts.
 */

const SENTINEL = 'Zq9-SENTINEL-value';
const valid: { [M in ApiMethod]: unknown } = {
  getState: {},
  connect: {},
  cancelConnect: {},
  disconnect: { hideEventTypes: false },
  setServices: { 30: true, 60: false, 90: true },
  updateService: {
    duration: 60,
    details: {
      title: 'Deep dive',
      description: 'd',
      location: { type: 'in-person', address: '1 Main St' },
      requiresConfirmation: true,
    },
  },
  listBookings: { tab: 'upcoming', limit: 10 },
  countBookings: {},
  getBooking: { uid: 'abc' },
  markNoShow: { uid: 'abc', noShow: true },
  bookingAction: { uid: 'abc', action: 'decline', reason: 'Fully booked' },
  syncNow: {},
  getSettings: {},
  refreshChannelStatus: {},
  updateSettings: { notifications: false },
  openExternal: { url: 'https://cal.com/x' },
  getDiagnostics: {},
  listAudit: { failuresOnly: true, limit: 10 },
  exportAuditCsv: { kind: 'oauth' },
  openDataFolder: {},
  getSetupStatus: {},
  rendererReady: {},
};

/** Valid inputs with one field replaced by anything, plus plain arbitrary JSON. */
const inputArb = (method: ApiMethod) =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.anything({ maxDepth: 2, withNullPrototype: true, withObjectString: true }),
    fc.constant(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}')),
    fc
      .tuple(
        fc.constantFrom(...Object.keys(valid[method] as object), 'extra', '__proto__'),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(SENTINEL)),
      )
      .map(([k, v]) => ({
        ...(valid[method] as object),
        [k]: v,
      })),
  );

it('every method: arbitrary input → ok only when its schema accepts, else bad_input; never a throw (every method × 150 runs)', async () => {
  for (const method of apiMethods) {
    const calls: unknown[] = [];
    const handlers = Object.fromEntries(
      apiMethods.map((m) => [m, async (input: unknown) => (calls.push(input), null)]),
    ) as unknown as ApiHandlers;
    await fc.assert(
      fc.asyncProperty(inputArb(method), async (input) => {
        const before = calls.length;
        const res = await dispatchApiCall(handlers, method, input);
        const accepted = apiContract[method].input.safeParse(input ?? {}).success;
        if (res.ok) {
          expect(accepted).toBe(true);
          expect(calls.length).toBe(before + 1);
          expect(apiContract[method].input.safeParse(calls.at(-1)).success).toBe(true);
        } else {
          expect(res.error.code).toBe('bad_input');
          expect(calls.length).toBe(before);
          expect(res.error.message).not.toContain(SENTINEL); // values are never echoed back
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  }
}, 90_000);

it('a handler that throws anything becomes a typed error, never a crash or a stack', async () => {
  await fc.assert(
    fc.asyncProperty(fc.anything(), async (thrown) => {
      const handlers = Object.fromEntries(
        apiMethods.map((m) => [m, async () => Promise.reject(thrown)]),
      ) as unknown as ApiHandlers;
      const res = await dispatchApiCall(handlers, 'getState', {});
      expect(res.ok).toBe(false);
      if (!res.ok) {
        expect(errorCodes).toContain(res.error.code);
        expect(res.error.message).not.toMatch(/\bat .+:\d+:\d+/);
      }
    }),
    { numRuns: 100 },
  );
});

it('method names from the wire: only own contract keys', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf')),
      (name) => {
        expect(isApiMethod(name)).toBe(Object.keys(apiContract).includes(name));
      },
    ),
    { numRuns: 500 },
  );
});

let stack: Stack;
let t: TestCore;
let host: BrowserHost;
let key: string;
beforeAll(async () => {
  stack = await startStack();
  t = await makeCore(stack);
  host = await startBrowserHost({ core: t.core, rendererDir: resolve(import.meta.dirname, '../../out/renderer') });
  key = new URL(host.url).searchParams.get('k') as string;
});
afterAll(async () => {
  await host?.close();
  await t?.dispose();
  await stack?.stop();
});

it('the browser host bridge over HTTP: random bodies and methods → 200/400/403/404/413 JSON, never 5xx (150 runs)', async () => {
  const base = `http://127.0.0.1:${host.port}`;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.constantFrom(...apiMethods.filter((m) => m !== 'connect' && m !== 'openExternal' && m !== 'disconnect')),
        fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent),
      ),
      fc.oneof(
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 200 }),
        fc.constant('{"a":'),
        fc.constant('x'.repeat(1_100_000)),
      ),
      fc.constantFrom('right', 'wrong', 'none'),
      async (method, body, auth) => {
        const headers: Record<string, string> = { 'content-type': 'application/json', host: `127.0.0.1:${host.port}` };
        if (auth !== 'none') headers[HOST_KEY_HEADER] = auth === 'right' ? key : withLastCharacterChanged(key);
        const res = await rawRequest(`${base}/bridge/${method}`, 'POST', headers, Buffer.from(body));
        if (res.status === 0) return; // the server may cut an oversized upload before answering
        expect([200, 400, 403, 404, 413]).toContain(res.status);
        const parsed = JSON.parse(res.body) as { ok: boolean; error?: { code: string } };
        if (auth !== 'right') expect(res.status).toBe(403);
        if (!parsed.ok) expect(errorCodes).toContain(parsed.error?.code);
      },
    ),
    { numRuns: 150 },
  );
  expect((await t.state()).connection.status).toBe('disconnected');
}, 60_000);
