import type { CreateChannelResponse } from '../../common/relay';
import { pullResponseSchema } from '../../common/relay';
import { envelope, payload } from '../support/app/booking-fixtures';
import { ingest } from '../support/app/relay-harness';

/** Test support: Cal.com-shaped webhook traffic and a read-back of the relay's whole log for one channel. */

/** A signed-body-ready BOOKING_CREATED for `uid`, in the future so the completion sweep leaves it alone. */
export function createdBody(uid: string): string {
  return JSON.stringify(
    envelope(
      'BOOKING_CREATED',
      '2026-02-10T14:00:00.000Z',
      payload(uid, { startTime: '2030-01-01T10:00:00Z', endTime: '2030-01-01T11:00:00Z' }),
    ),
  );
}

export interface BurstResult {
  /** uids whose POST got a 2xx: the relay promised to keep these. */
  readonly accepted: string[];
  /** uids whose POST failed (connection refused/reset, or a non-2xx). */
  readonly failed: string[];
}

/** Posts one webhook per uid, `parallel` at a time; `onAccepted` runs after each 2xx (tests kill things from there). */
export async function burst(
  ingestUrl: string,
  secret: string,
  uids: readonly string[],
  parallel: number,
  onAccepted: (count: number) => void = () => undefined,
): Promise<BurstResult> {
  const accepted: string[] = [];
  const failed: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < uids.length) {
      const uid = uids[next++] as string;
      const status = await ingest(ingestUrl, createdBody(uid), secret).catch(() => 0);
      if (status >= 200 && status < 300) {
        accepted.push(uid);
        onAccepted(accepted.length);
      } else failed.push(uid);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { accepted, failed };
}

/** How many times each booking uid occurs in the relay's retained log (via the pull endpoint, raw bodies). */
export async function relayUidCounts(
  relayUrl: string,
  channel: CreateChannelResponse,
): Promise<{ counts: Map<string, number>; lastSeq: number; seqs: number[] }> {
  const counts = new Map<string, number>();
  const seqs: number[] = [];
  let after = 0;
  let lastSeq = 0;
  for (let page = 0; page < 100; page++) {
    const res = await fetch(`${relayUrl}/api/channels/${channel.id}/events?after=${after}&limit=1000`, {
      headers: { authorization: `Bearer ${channel.token}` },
    });
    if (res.status !== 200) throw new Error(`pull: ${res.status}`);
    const body = pullResponseSchema.parse(await res.json());
    lastSeq = body.lastSeq;
    for (const e of body.events) {
      seqs.push(e.seq);
      const uid = (JSON.parse(Buffer.from(e.bodyBase64, 'base64').toString('utf8')) as { payload: { uid: string } })
        .payload.uid;
      counts.set(uid, (counts.get(uid) ?? 0) + 1);
    }
    if (body.events.length === 0) break;
    after = body.events.at(-1)?.seq ?? after;
  }
  return { counts, lastSeq, seqs };
}

export const uidsOf = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
