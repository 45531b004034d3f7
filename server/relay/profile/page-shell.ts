import { createHash } from 'node:crypto';
import { escapeHtml } from './html-escape';

/** The one stylesheet of the public pages: calm, readable, no web fonts or other external resources. */
const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f4f6f3;color:#23302a;font:16px/1.6 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:720px;margin:0 auto;padding:48px 20px 32px}
.card{background:#fff;border-radius:16px;box-shadow:0 1px 3px rgba(35,48,42,.08);padding:32px}
.head{display:flex;gap:20px;align-items:center;margin-bottom:16px}
.photo{width:96px;height:96px;border-radius:50%;object-fit:cover;flex:none;background:#e3ebe5}
h1{font-size:28px;line-height:1.25;margin:0}
h2{font-size:18px;margin:32px 0 12px;color:#3c5a4b}
.bio p{margin:0 0 12px}
.services{list-style:none;margin:0;padding:0}
.service{border:1px solid #e3ebe5;border-radius:12px;padding:16px 18px;margin:0 0 12px;display:flex;gap:16px;align-items:center;justify-content:space-between;flex-wrap:wrap}
.service h3{margin:0;font-size:17px}
.meta{color:#5e7268;font-size:14px;margin:2px 0 0}
.desc{margin:8px 0 0;font-size:15px}
.book{display:inline-block;background:#3c7a5e;color:#fff;text-decoration:none;font-weight:600;padding:10px 18px;border-radius:999px;white-space:nowrap}
.book:hover,.book:focus{background:#2f6149}
.notice{background:#f7f3e8;border:1px solid #ece2c6;border-radius:12px;padding:16px 18px;margin:0}
footer{text-align:center;color:#8a9a92;font-size:13px;padding:16px}
`;

/** CSP: no scripts at all; the inline stylesheet is allowed by its hash, images only from http(s). */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  'img-src https: http:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Wraps page content in the shared HTML document; head is trusted markup built by the caller from escaped parts. */
export function pageShell(title: string, head: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${head}
<style>${STYLE}</style>
</head>
<body>
<main>${body}</main>
<footer>Bookings are handled by Cal.com · Page by LifeScore</footer>
</body>
</html>
`;
}
