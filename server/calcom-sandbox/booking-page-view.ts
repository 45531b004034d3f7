import { metadataFields, type BookerMetadata } from './booker-metadata';
import { html, type Html } from './html';
import type { SandboxBooking, SandboxEventType, SandboxUser } from './state';
import { formatInZone, localDate } from './time-zones';

/** Time zones for the visitor's select (Intl's list; UTC first). */
export function timeZoneOptions(selected: string): Html[] {
  const zones = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  if (!zones.includes(selected)) zones.unshift(selected);
  return zones.map((z) =>
    z === selected ? html`<option value="${z}" selected>${z}</option>` : html`<option value="${z}">${z}</option>`,
  );
}

/** "Tuesday, February 17, 2026, 11:00 AM" in a zone. */
export function when(iso: string, tz: string): string {
  return formatInZone(new Date(iso), tz, { dateStyle: 'full', timeStyle: 'short' });
}

/** The slot picker: a time-zone form and slot links grouped by the visitor's local day. */
export function slotPicker(
  user: SandboxUser,
  et: SandboxEventType,
  slots: Date[],
  tz: string,
  rescheduleUid: string | undefined,
  metadata: BookerMetadata = {},
): Html {
  const byDay = new Map<string, Date[]>();
  for (const s of slots) {
    const key = localDate(s, tz).key;
    byDay.set(key, [...(byDay.get(key) ?? []), s]);
  }
  // The booker's metadata[…] parameters ride along on every link and form, as Cal.com's booker keeps them in its URL.
  const extra =
    (rescheduleUid ? `&rescheduleUid=${encodeURIComponent(rescheduleUid)}` : '') +
    metadataFields(metadata)
      .map((f) => `&${encodeURIComponent(f.name)}=${encodeURIComponent(f.value)}`)
      .join('');
  const days = [...byDay.entries()].map(
    ([
      ,
      daySlots,
    ]) => html`<section><h2>${formatInZone(daySlots[0] as Date, tz, { weekday: 'long', month: 'long', day: 'numeric' })}</h2>
<div class="slots">${daySlots.map((s) => html`<a href="${`/${user.username}/${et.slug}/book?slot=${encodeURIComponent(s.toISOString())}&tz=${encodeURIComponent(tz)}${extra}`}">${formatInZone(s, tz, { hour: 'numeric', minute: '2-digit' })}</a>`)}</div></section>`,
  );
  return html`<h1>${et.title}</h1><p>with ${user.name} · ${et.lengthInMinutes} minutes${rescheduleUid ? ' · choose a new time' : ''}</p>
${et.description ? html`<p>${et.description}</p>` : ''}
<p>Where: ${whereOf(et.locations)}${et.requiresConfirmation ? ' · the host confirms each booking' : ''}</p>
<form method="get"><label for="tz">Your time zone</label><select id="tz" name="tz">${timeZoneOptions(tz)}</select>
${rescheduleUid ? html`<input type="hidden" name="rescheduleUid" value="${rescheduleUid}">` : ''}${hiddenMetadata(metadata)}<button type="submit">Show times</button></form>
${days.length ? days : html`<p>No free times in the next two weeks.</p>`}`;
}

/** Hidden `metadata[key]` inputs, so a form submission keeps the booker's metadata. */
function hiddenMetadata(metadata: BookerMetadata): Html[] {
  return metadataFields(metadata).map((f) => html`<input type="hidden" name="${f.name}" value="${f.value}">`);
}

/** The booking form for one slot (name, email, notes), or the reschedule form (reason only). */
export function bookingForm(
  user: SandboxUser,
  et: SandboxEventType,
  slot: string,
  tz: string,
  reschedule: SandboxBooking | undefined,
  metadata: BookerMetadata = {},
): Html {
  return html`<h1>${reschedule ? 'Reschedule' : 'Book'}: ${et.title}</h1><p>with ${user.name} · <strong>${when(slot, tz)}</strong> (${tz})</p>
<form method="post" action="${`/${user.username}/${et.slug}/book`}">
<input type="hidden" name="slot" value="${slot}"><input type="hidden" name="tz" value="${tz}">${hiddenMetadata(metadata)}
${
  reschedule
    ? html`<input type="hidden" name="rescheduleUid" value="${reschedule.uid}"><label for="reason">Reason for reschedule</label><textarea id="reason" name="reason" rows="3" cols="50"></textarea>`
    : html`<label for="name">Your name</label><input id="name" name="name" required autocomplete="name">
<label for="email">Email address</label><input id="email" name="email" type="email" required autocomplete="email">
<label for="notes">Additional notes</label><textarea id="notes" name="notes" rows="3" cols="50"></textarea>`
}
<p><button type="submit">${reschedule ? 'Confirm new time' : 'Confirm booking'}</button></p></form>`;
}

/** The attendee's booking page: details, status, and reschedule / cancel links (or the cancel form). */
export function bookingDetails(b: SandboxBooking, et: SandboxEventType, user: SandboxUser, showCancel: boolean): Html {
  const tz = b.attendees[0]?.timeZone ?? user.timeZone;
  const active = b.status === 'ACCEPTED' || b.status === 'PENDING';
  const heading = {
    ACCEPTED: 'This meeting is scheduled',
    PENDING: 'Booking submitted: waiting for confirmation',
    CANCELLED: b.rescheduled ? 'This booking was rescheduled' : 'This booking is cancelled',
    REJECTED: 'This booking was declined',
    AWAITING_HOST: 'Waiting for the host to join',
  }[b.status];
  return html`<h1>${heading}</h1>
<table><tbody><tr><th scope="row">What</th><td>${b.title}</td></tr><tr><th scope="row">When</th><td>${when(b.start, tz)} (${tz}), ${et.lengthInMinutes} minutes</td></tr>
<tr><th scope="row">Who</th><td>${user.name} (host), ${b.attendees.map((a) => `${a.name || a.email} <${a.email}>`).join(', ')}</td></tr>
<tr><th scope="row">Where</th><td>Cal Video</td></tr>${b.description ? html`<tr><th scope="row">Notes</th><td>${b.description}</td></tr>` : ''}
${b.cancellationReason ? html`<tr><th scope="row">Reason</th><td>${b.cancellationReason}</td></tr>` : ''}
<tr><th scope="row">Booking id</th><td>${b.uid}</td></tr></tbody></table>
${b.rescheduledToUid ? html`<p><a href="${`/booking/${b.rescheduledToUid}`}">See the new booking</a></p>` : ''}
${active && !showCancel ? html`<p>Need to make a change? <a href="${`/reschedule/${b.uid}`}">Reschedule</a> or <a href="${`/booking/${b.uid}?cancel=true`}">Cancel</a></p>` : ''}
${
  active && showCancel
    ? html`<form method="post" action="${`/booking/${b.uid}/cancel`}"><label for="cancellationReason">Reason for cancellation</label>
<textarea id="cancellationReason" name="cancellationReason" rows="3" cols="50"></textarea><p><button type="submit">Cancel event</button> <a href="${`/booking/${b.uid}`}">Nevermind</a></p></form>`
    : ''
}`;
}

/** The event type's first location as Cal.com's booking page words it (Cal Video, a phone number, an address, a link). */
export function whereOf(locations: readonly Record<string, unknown>[]): string {
  const l = locations[0];
  if (!l) return 'Cal Video';
  const text = (k: string) => (typeof l[k] === 'string' ? (l[k] as string) : '');
  switch (l.type) {
    case 'address':
      return `In person: ${text('address')}`;
    case 'link':
      return `Online: ${text('link')}`;
    case 'phone':
      return `Phone: ${text('phone')}`;
    case 'attendeePhone':
      return 'Phone (the host calls you)';
    default:
      return 'Cal Video';
  }
}
