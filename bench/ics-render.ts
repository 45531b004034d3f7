import { webhookEnvelopeSchema } from '../common/calcom';
import { bookingFacts } from '../server/relay/mail/email-booking-facts';
import { buildIcs } from '../server/relay/mail/ics';
import { sandboxEnvelopes } from '../tests/support/relay/mail/mail-fixtures';
import { referenceIcs } from '../tests/support/relay/mail/reference-ics';
import type { Figure } from './report';
import { median } from './stats';

/**
 * The invite each booking email carries, written by the relay's own iCalendar writer against ical-generator 10 (what
 * the relay used before issue 18, whose line folding encoded every character) on the same booking in this run.
 * In-process and synchronous: rounds alternate between the two so drifting load favours neither.
 */
export function icsRenderFigure(quick: boolean): Figure {
  const env = webhookEnvelopeSchema.parse(sandboxEnvelopes.created);
  const facts = bookingFacts('BOOKING_CREATED', env.createdAt, env.payload as never);
  if (!facts) throw new Error('the sandbox booking yields no booking facts');
  const perRound = quick ? 500 : 2_000;
  const rounds = quick ? 3 : 7;
  const microsPerInvite = (write: () => string): number => {
    const t = performance.now();
    for (let i = 0; i < perRound; i++) write();
    return ((performance.now() - t) * 1000) / perRound;
  };
  const ours = () => buildIcs(facts, 'REQUEST', 0, 'organizer');
  const reference = () => referenceIcs(facts, 'REQUEST', 0);
  microsPerInvite(ours); // warm-up: both through the JIT before any round counts
  microsPerInvite(reference);
  const oursRounds: number[] = [];
  const referenceRounds: number[] = [];
  for (let i = 0; i < rounds; i++) {
    oursRounds.push(microsPerInvite(ours));
    referenceRounds.push(microsPerInvite(reference));
  }
  return {
    name: 'Invite (.ics) written per booking email',
    value: median(oursRounds),
    unit: 'µs',
    baseline: median(referenceRounds),
    baselineLabel:
      `ical-generator 10 writing the same invite (the relay's writer before issue 18), in-process, median of ` +
      `${rounds} alternating rounds of ${perRound.toLocaleString('en-US')} each`,
    target: { op: '<=', value: 0.33, on: 'ratio' },
  };
}
