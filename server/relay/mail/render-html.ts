import { escapeHtml, safeHttpUrl } from '../profile/html-escape';
import type { EmailContent, EmailDetail } from './email-content';

// Table layout with inline styles only: what Outlook, Gmail and Apple Mail all render. No images, fonts or CSS files.
const FONT = 'font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif';
const esc = (s: string) => escapeHtml(s).replace(/\n/g, '<br>');

function detailRow(d: EmailDetail): string {
  const href = d.href ? safeHttpUrl(d.href) : undefined;
  let value = href
    ? `<a href="${escapeHtml(href)}" style="color:#2f6149;word-break:break-all">${esc(d.value)}</a>`
    : esc(d.value);
  if (d.struck) value = `<s style="color:#8a9a92">${value}</s>`;
  return `<tr><td valign="top" style="padding:6px 12px 6px 0;color:#5e7268;font-size:14px;width:170px">${esc(d.label)}</td><td valign="top" style="padding:6px 0;font-size:15px;color:#23302a">${value}</td></tr>`;
}

function button(a: { label: string; href: string }): string {
  const href = safeHttpUrl(a.href);
  if (!href) return '';
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:24px 0 8px"><tr><td style="background:#3c7a5e;border-radius:999px"><a href="${escapeHtml(href)}" style="display:inline-block;padding:12px 22px;color:#ffffff;text-decoration:none;font-weight:bold;font-size:15px;${FONT}">${esc(a.label)}</a></td></tr></table>`;
}

/** The HTML part: every value escaped, links only http(s). */
export function renderHtml(c: EmailContent): string {
  const notice = c.notice
    ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:20px 0 0"><tr><td style="background:#f7f3e8;border:1px solid #ece2c6;border-radius:8px;padding:12px 16px;font-size:15px;color:#23302a"><strong>${esc(c.notice.title)}:</strong> ${esc(c.notice.text)}</td></tr></table>`
    : '';
  const tips = c.tips
    ? `<h2 style="font-size:16px;color:#3c5a4b;margin:28px 0 8px">How to prepare</h2><ul style="margin:0;padding:0 0 0 20px;font-size:15px;color:#23302a">${c.tips.map((t) => `<li style="margin:0 0 6px">${esc(t)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(c.subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f6f3">
<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(c.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f6f3"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:12px;${FONT}">
<tr><td style="padding:28px 28px 8px"><h1 style="margin:0 0 12px;font-size:22px;color:#23302a">${esc(c.heading)}</h1><p style="margin:0;font-size:15px;line-height:1.5;color:#23302a">${esc(c.intro)}</p></td></tr>
<tr><td style="padding:12px 28px 28px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${c.details.map(detailRow).join('')}</table>
${notice}${c.action ? button(c.action) : ''}${tips}
</td></tr>
</table>
<p style="max-width:600px;margin:16px auto 0;font-size:12px;line-height:1.5;color:#8a9a92;${FONT}">${esc(c.footer)}</p>
</td></tr></table>
</body></html>
`;
}
