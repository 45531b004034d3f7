/**
 * Reads a request target (`req.url`) as express did for `app.post('/hooks/:channel')`: the path as parseurl splits
 * it (origin form up to `?` or `#`, or the path of an absolute-form target), matched like express's router
 * (case-insensitive, one optional trailing slash), and the query string it hands to the app's query parser.
 */
const HOOK_PATH = /^(?:[a-z][a-z\d+.-]*:\/\/[^/?#]*)?\/hooks\/([^/?#]+)\/?(?:[?#]|$)/i;

/**
 * The `:channel` of a POST /hooks/:channel target, percent-decoded; `undefined` when the target is another route,
 * `null` when the segment does not decode (express's router answered that 400 before any route ran).
 */
export function hookChannel(url: string): string | null | undefined {
  const m = HOOK_PATH.exec(url);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1] as string);
  } catch {
    return null;
  }
}

/** What express passes its query parser: after the first `?`, up to a `#`; empty without one. */
function queryString(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return '';
  const hash = url.indexOf('#');
  if (hash >= 0 && hash < q) return '';
  return hash < 0 ? url.slice(q + 1) : url.slice(q + 1, hash);
}

/**
 * The query kept with an event: `parse` is the app's compiled 'query parser fn' (what `req.query` runs; undefined
 * when the app turned query parsing off), flattened to at most 20 short string values, each key's first.
 */
export function storedQuery(url: string, parse: ((qs: string) => unknown) | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const q = parse ? parse(queryString(url)) : undefined;
  if (q && typeof q === 'object') {
    for (const [k, v] of Object.entries(q).slice(0, 20)) {
      const first: unknown = Array.isArray(v) ? v[0] : v;
      if (typeof first === 'string' && k.length <= 64) out[k] = first.slice(0, 512);
    }
  }
  return out;
}
