import type { Net } from 'electron';
import type { FetchFn } from '../core/ports';

/**
 * The core's fetch port on Electron's `net.fetch` (Chromium's network stack): the system proxy settings, PAC files
 * and the OS certificate store apply, so Cal.com and relay calls work on corporate networks where Node's fetch
 * fails on an intercepting proxy's certificate. The relay's event stream is NOT routed here: smee-client needs
 * undici's own fetch for its stream (server/relay/README.md "Desktop client notes"), and main/core/sync keeps it.
 */
export function electronFetch(net: Pick<Net, 'fetch'>): FetchFn {
  return (input, init) => net.fetch(input instanceof URL ? input.href : input, init);
}
