import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCalcomToken } from './calcom-identity';
import { guardedTokenCheck, MAX_CHECKS_IN_FLIGHT } from './token-check-guard';

/** A stand-in for Cal.com's GET /v2/me on loopback: refuses every token, after `delayMs`, and counts the calls. */
async function meEndpoint(delayMs: number) {
  const seen = { calls: 0 };
  const server = http.createServer((_req, res) => {
    seen.calls++;
    setTimeout(() => res.writeHead(401, { 'content-type': 'application/json' }).end('{"status":"error"}'), delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}
const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('guardedTokenCheck', () => {
  it('answers a token Cal.com refused from memory, without asking again', async () => {
    const { url, seen } = await meEndpoint(0);
    const check = guardedTokenCheck(checkCalcomToken);
    expect(await check(url, 'refused-token-1', 5000)).toEqual({ kind: 'invalid' });
    expect(await check(url, 'refused-token-1', 5000)).toEqual({ kind: 'invalid' });
    expect(seen.calls).toBe(1);
    expect(await check(url, 'refused-token-2', 5000)).toEqual({ kind: 'invalid' });
    expect(seen.calls).toBe(2);
  });

  it('asks again once the memory of a refusal has expired', async () => {
    const { url, seen } = await meEndpoint(0);
    let clock = 0;
    const check = guardedTokenCheck(checkCalcomToken, () => clock);
    await check(url, 'refused-token', 5000);
    clock += 11 * 60_000;
    await check(url, 'refused-token', 5000);
    expect(seen.calls).toBe(2);
  });

  it('sends at most MAX_CHECKS_IN_FLIGHT at once and answers the rest "unavailable" straight away', async () => {
    const { url, seen } = await meEndpoint(300);
    const check = guardedTokenCheck(checkCalcomToken);
    const results = await Promise.all(
      Array.from({ length: MAX_CHECKS_IN_FLIGHT + 3 }, (_, i) => check(url, `token-${i}`, 5000)),
    );
    expect(seen.calls).toBe(MAX_CHECKS_IN_FLIGHT);
    expect(results.filter((r) => r.kind === 'unavailable')).toHaveLength(3);
    expect(results.filter((r) => r.kind === 'invalid')).toHaveLength(MAX_CHECKS_IN_FLIGHT);
    // Slots come back when the checks end.
    expect(await check(url, 'token-late', 5000)).toEqual({ kind: 'invalid' });
  });
});
