import { readFileSync } from 'node:fs';
import type { ReleaseConfigCheck } from './release-config';
import { checkReleaseConfig } from './release-config';

/** What the build baked in: nothing (a development build), or the values checked again now. */
export type BakedConfig = { readonly kind: 'none' } | ({ readonly kind: 'baked' } & ReleaseConfigCheck);

/**
 * Reads out/main/release-config.json. Missing means a development build; a file that is there but unreadable or
 * invalid (hand-edited, truncated) is reported, never trusted: the app then shows the setup screen.
 */
export function readBakedConfig(file: string): BakedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return {
      kind: 'baked',
      ok: false,
      problems: [`the baked configuration could not be read (${(err as Error).message})`],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'baked', ok: false, problems: ['the baked configuration is not valid JSON'] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { kind: 'baked', ok: false, problems: ['the baked configuration is not an object'] };
  return { kind: 'baked', ...checkReleaseConfig(json as Record<string, unknown>) };
}
