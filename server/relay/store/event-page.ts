/**
 * How much one read of a channel's log may gather. Counting events alone let a read hold `limit` times
 * RELAY_BODY_LIMIT: a security review filled 20 idle streams with 100 MiB pages each and a pull with up to 1,000 MiB,
 * and took the relay from 265 MB to 5.6 GB. So every read also stops by bytes.
 */
export interface PageBounds {
  readonly limit: number;
  /** The read stops after the event that brings its bodies to this many bytes; the first event always comes. */
  readonly maxBytes: number;
}

/** Takes rows in order within the bounds; stops reading the source at the first row left out. */
export function takeWithin<T extends { readonly body: Buffer }>(rows: Iterable<T>, page: PageBounds): T[] {
  const taken: T[] = [];
  let bytes = 0;
  if (page.limit < 1 || page.maxBytes < 1) return taken;
  for (const row of rows) {
    taken.push(row);
    bytes += row.body.byteLength;
    if (taken.length >= page.limit || bytes >= page.maxBytes) break;
  }
  return taken;
}

/** The bytes of the events' bodies: what the byte bounds count. */
export function bodyBytes(events: ReadonlyArray<{ readonly body: Buffer }>): number {
  let bytes = 0;
  for (const e of events) bytes += e.body.byteLength;
  return bytes;
}

/** Whether a read within these bounds may have stopped before the end of the log (a reader goes on after it). */
export function mayHaveMore(events: ReadonlyArray<{ readonly body: Buffer }>, page: PageBounds): boolean {
  if (events.length >= page.limit) return true;
  return events.length > 0 && bodyBytes(events) >= page.maxBytes;
}
