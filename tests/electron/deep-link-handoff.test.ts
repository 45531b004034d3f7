import { afterAll, beforeAll, expect, it } from 'vitest';
import { consent, makeCore, startStack } from '../support/app/connect-harness';
import type { Stack, TestCore } from '../support/app/connect-harness';
import { extractDeepLink } from '../../main/electron/deep-link-argv';
import { appSchemeFor } from '../../main/electron/protocol-client';
import { asDeepLink, secondInstanceArgs } from './deep-link-handoff';

/**
 * The half of the Electron smoke suite that needs no Electron: the link it hands a second instance survives the
 * main process's argv rule and completes a connect in the core (the code was issued for the loopback redirect URI,
 * which the core sends with the exchange whatever form the callback arrived in).
 */
let stack: Stack;
let t: TestCore | undefined;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await t?.dispose();
  await stack.stop();
});

it('the second-instance link is found in argv and connects the core', async () => {
  t = await makeCore(stack);
  const { authorizeUrl } = await t.core.handlers.connect({});
  const link = asDeepLink(await consent(authorizeUrl));
  expect(link.startsWith('lifescore-dev://calcom/callback?')).toBe(true);

  const argv = ['/opt/electron/electron', ...secondInstanceArgs(['--no-sandbox'], link), '--enable-crash-reporter'];
  const found = extractDeepLink(argv, [appSchemeFor(false)]);
  expect(found).toBe(link);

  await t.core.handleDeepLink(found!);
  const state = await t.waitFor((s) => s.connection.status === 'connected');
  expect(state.connection.username).toBe('dana-reyes');
});

it('refuses anything but an OAuth callback', () => {
  expect(() => asDeepLink(new URL('http://127.0.0.1:1/elsewhere?code=c'))).toThrow(/not an OAuth callback/);
});
