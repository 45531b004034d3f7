import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Test support: looks for secrets, in the encodings a careless write would use, in files and captured text. */

export interface NamedSecret {
  readonly name: string;
  readonly value: string;
}

/** The forms a secret could be written in: as is, URL-encoded, base64/base64url, JSON-escaped. */
export function encodings(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      b.toString('base64'),
      b.toString('base64url'),
      JSON.stringify(secret).slice(1, -1),
    ]),
  ];
}

/** Every regular file below `dir` (SQLite files with -wal/-shm, JSON settings, logs, .eml outbox, …). */
export function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

/** "<secret> in <where>" for every hit; empty when clean. */
export function findSecrets(
  secrets: readonly NamedSecret[],
  places: ReadonlyArray<{ where: string; bytes: Buffer }>,
): string[] {
  const hits: string[] = [];
  for (const { where, bytes } of places) {
    for (const s of secrets) {
      for (const form of encodings(s.value)) {
        if (bytes.includes(form)) {
          hits.push(`${s.name} in ${where}`);
          break;
        }
      }
    }
  }
  return hits;
}

/** The files below `root` as scan places, named relative to it. */
export function filePlaces(
  root: string,
  excluded: (path: string) => boolean = () => false,
): Array<{ where: string; bytes: Buffer }> {
  return filesBelow(root)
    .filter((f) => !excluded(f))
    .map((f) => ({ where: relative(root, f), bytes: readFileSync(f) }));
}
