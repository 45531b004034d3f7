/**
 * The Cal.com sandbox's admin API over HTTP (`/_sandbox/…`, server/calcom-sandbox/README.md): the smoke suite's
 * sandbox runs in another process, so the test reaches it the way a person's browser would.
 */
interface SandboxState {
  readonly users: ReadonlyArray<{ readonly id: number; readonly username: string }>;
  readonly eventTypes: ReadonlyArray<{
    readonly userId: number;
    readonly slug: string;
    readonly lengthInMinutes: number;
  }>;
}

export interface NewBooking {
  readonly username: string;
  readonly eventTypeSlug: string;
  readonly start: string;
  readonly attendee: { readonly name: string; readonly email: string; readonly timeZone: string };
  readonly notes?: string;
}

/** A user's event types (slug and length). */
export async function listEventTypes(
  sandboxUrl: string,
  username: string,
): Promise<Array<{ slug: string; lengthInMinutes: number }>> {
  const res = await fetch(`${sandboxUrl}/_sandbox/state`);
  if (!res.ok) throw new Error(`GET /_sandbox/state answered ${res.status}`);
  const state = (await res.json()) as SandboxState;
  const user = state.users.find((u) => u.username === username);
  if (!user) throw new Error(`no sandbox user ${username}`);
  return state.eventTypes
    .filter((e) => e.userId === user.id)
    .map(({ slug, lengthInMinutes }) => ({ slug, lengthInMinutes }));
}

/** Books like a client would; resolves once the sandbox has sent the webhooks. Returns the booking's uid. */
export async function createBooking(sandboxUrl: string, booking: NewBooking): Promise<string> {
  const res = await fetch(`${sandboxUrl}/_sandbox/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(booking),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST /_sandbox/bookings answered ${res.status}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { booking: { uid: string } }).booking.uid;
}
