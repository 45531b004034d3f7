import { html, page } from './html';
import type { SandboxState } from './state';

/** The consultant/admin page at /_sandbox: plain forms that post to the /_sandbox endpoints. */
export function adminPage(state: SandboxState, baseUrl: string): string {
  const userName = (id: number) => state.users.find((u) => u.id === id)?.username ?? String(id);
  const eventTypes = state.eventTypes.map(
    (
      e,
    ) => html`<tr><td>${userName(e.userId)}</td><td><a href="${`/${userName(e.userId)}/${e.slug}`}">${e.title}</a></td><td>${e.lengthInMinutes} min${e.hidden ? ' (hidden)' : ''}</td>
<td><form method="post" action="${`/_sandbox/event-types/${e.id}/requires-confirmation`}"><input type="hidden" name="value" value="${String(!e.requiresConfirmation)}">
<button type="submit">${e.requiresConfirmation ? 'Stop requiring confirmation' : 'Require confirmation'}</button></form></td></tr>`,
  );
  const bookings = [...state.bookings].reverse().map((b) => {
    const live = b.status === 'ACCEPTED' || b.status === 'PENDING';
    const booker = b.attendees[0];
    const act = (path: string, label: string, fields: Record<string, string> = {}) =>
      html`<form method="post" action="${`/_sandbox/bookings/${b.uid}/${path}`}" style="display:inline">${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit">${label}</button></form>`;
    return html`<tr><td><a href="${`/booking/${b.uid}`}">${b.uid}</a></td><td>${userName(b.userId)}</td><td>${b.title}</td><td>${b.start}</td><td>${b.status}${b.rescheduled ? ' (rescheduled)' : ''}</td>
<td>${b.status === 'PENDING' ? [act('confirm', 'Confirm'), act('reject', 'Reject')] : ''}${live ? act('cancel', 'Cancel') : ''}
${booker ? act('no-show', booker.noShow ? 'Clear no-show' : 'Mark no-show', { attendeeEmail: booker.email, noShow: String(!booker.noShow) }) : ''}</td></tr>`;
  });
  const webhooks = state.webhooks.map(
    (
      w,
    ) => html`<tr><td>${userName(w.userId)}</td><td>${w.subscriberUrl}</td><td>${w.triggers.join(', ')}</td><td>${w.active ? 'active' : 'inactive'}</td>
<td><form method="post" action="/_sandbox/ping"><input type="hidden" name="webhookId" value="${w.id}"><button type="submit">Ping</button></form></td></tr>`,
  );
  return page(
    'Admin',
    html`<h1>Cal.com sandbox admin</h1><p>Base URL: ${baseUrl}. Consultants: ${state.users.map((u) => html`<a href="${`/${u.username}`}">${u.name}</a> `)}</p>
<h2>Event types</h2><table><thead><tr><th>User</th><th>Event type</th><th>Length</th><th>Confirmation</th></tr></thead><tbody>${eventTypes}</tbody></table>
<h2>Bookings</h2><table><thead><tr><th>Uid</th><th>User</th><th>Title</th><th>Start (UTC)</th><th>Status</th><th>Actions</th></tr></thead><tbody>${bookings}</tbody></table>
<h2>Webhooks</h2><table><thead><tr><th>User</th><th>URL</th><th>Triggers</th><th>State</th><th></th></tr></thead><tbody>${webhooks}</tbody></table>
<form method="post" action="/_sandbox/ping"><button type="submit">Ping all active webhooks</button></form>
<h2>Tokens</h2><form method="post" action="/_sandbox/tokens/expire" style="display:inline"><button type="submit">Expire all access tokens</button></form>
<form method="post" action="/_sandbox/tokens/revoke-refresh" style="display:inline"><button type="submit">Revoke all refresh tokens</button></form>`,
  );
}
