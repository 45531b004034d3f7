import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Path the host serves the bridge script under (absolute, so it works from any route). */
export const HOST_BRIDGE_PATH = '/host-bridge.js';

/**
 * The page's Content-Security-Policy as a header: renderer/index.html's meta tag (the one place the policy is written;
 * Electron's window has only that), plus what only a header can say (framing). Throws when the page has none, so a
 * page that lost its policy is never served.
 */
export function rendererCspHeader(html: string): string {
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  if (!meta?.[1]) throw new Error('renderer index.html has no Content-Security-Policy meta tag');
  return `${meta[1].trim()}; frame-ancestors 'none'`;
}

/**
 * Puts the bridge script tag before the first script of the page, so `window.lifescore` exists before the
 * app's module runs (module scripts are deferred anyway; classic scripts run in document order).
 */
export function injectHostBridge(html: string): string {
  const tag = `<script src="${HOST_BRIDGE_PATH}"></script>`;
  const firstScript = html.search(/<script\b/i);
  if (firstScript >= 0) return `${html.slice(0, firstScript)}${tag}\n    ${html.slice(firstScript)}`;
  const headEnd = html.search(/<\/head>/i);
  if (headEnd >= 0) return `${html.slice(0, headEnd)}${tag}\n${html.slice(headEnd)}`;
  throw new Error('renderer index.html has neither a <script> nor a </head> to put the host bridge before');
}

/**
 * Reads the built index.html (each request, so a rebuild shows up on reload): the page with the bridge injected, and
 * its policy as a header.
 */
export async function loadRendererPage(rendererDir: string): Promise<{ html: string; csp: string }> {
  const html = await readFile(join(rendererDir, 'index.html'), 'utf8');
  return { html: injectHostBridge(html), csp: rendererCspHeader(html) };
}
