import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Path the host serves the bridge script under (absolute, so it works from any route). */
export const HOST_BRIDGE_PATH = '/host-bridge.js';

/** The same policy as renderer/index.html's meta tag, plus what only a header can say (framing). */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'";

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

/** Reads the built index.html (each request, so a rebuild shows up on reload) and injects the bridge. */
export async function loadRendererPage(rendererDir: string): Promise<string> {
  return injectHostBridge(await readFile(join(rendererDir, 'index.html'), 'utf8'));
}
