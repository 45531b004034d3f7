/** Minimal server-rendered HTML helpers (no client JavaScript anywhere in the sandbox). */

/** Escapes text for HTML element content and double-quoted attributes. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A raw HTML fragment that `page` and `html` must not escape again. */
export interface Html {
  readonly __html: string;
}

/** Tagged template that escapes interpolations unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return { __html: out };
}

function render(v: unknown): string {
  if (Array.isArray(v)) return v.map(render).join('');
  if (v && typeof v === 'object' && '__html' in v) return (v as Html).__html;
  if (v === null || v === undefined || v === false) return '';
  return esc(v);
}

const style = `body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.45}
h1{font-size:1.5rem}fieldset{border:1px solid #ccc;border-radius:6px;margin:1rem 0}label{display:block;margin:.5rem 0 .2rem}
input,select,textarea{font:inherit;padding:.35rem;max-width:100%}button{font:inherit;padding:.4rem 1rem;margin:.3rem .3rem .3rem 0;cursor:pointer}
.slots a{display:inline-block;margin:.2rem;padding:.3rem .6rem;border:1px solid #246;border-radius:4px;text-decoration:none}
.error{color:#a00;border:1px solid #a00;padding:.75rem;border-radius:6px}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
.note{color:#555;font-size:.9rem}`;

/** A full HTML document with the sandbox banner. */
export function page(title: string, body: Html): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} · Cal.com sandbox</title><style>${style}</style></head><body><p class="note">Cal.com sandbox (local stand-in for Cal.com)</p>${body.__html}</body></html>`;
}
