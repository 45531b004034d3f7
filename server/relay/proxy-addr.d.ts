// proxy-addr (express's own dependency, what req.ip calls) ships no types; this is the one call client-ip.ts makes.
declare module 'proxy-addr' {
  import type { IncomingMessage } from 'node:http';

  /** The address of the closest untrusted hop: the socket peer, then X-Forwarded-For right to left while trusted. */
  function proxyaddr(req: IncomingMessage, trust: (addr: string, hop: number) => boolean): string | undefined;
  export = proxyaddr;
}
