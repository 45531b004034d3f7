import type { EmailContent } from './email-content';

/** The plain-text part: the same content, readable in any client and by screen readers. */
export function renderText(c: EmailContent): string {
  const width = Math.max(...c.details.map((d) => d.label.length)) + 2;
  const lines = [
    c.heading,
    '',
    c.intro,
    '',
    ...c.details.map((d) => `${`${d.label}:`.padEnd(width)}${d.struck ? `${d.value} (no longer)` : d.value}`),
  ];
  if (c.notice) lines.push('', `${c.notice.title}: ${c.notice.text}`);
  if (c.action) lines.push('', `${c.action.label}: ${c.action.href}`);
  if (c.tips) lines.push('', 'How to prepare', ...c.tips.map((t) => `- ${t}`));
  lines.push('', '--', c.footer, '');
  return lines.join('\n');
}
