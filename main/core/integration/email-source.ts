import type { EventTypeLink } from '../../../common/app-state';
import type { CalcomClient } from '../calcom/calcom-client';
import type { Logger } from '../ports';
import type { SettingsStore } from '../ports';
import type { IntegrationRecord } from './integration-records';

/** What came of making one sender of client emails (issue 19: a client never gets two confirmations). */
export type EmailSourceOutcome =
  | { readonly kind: 'lifescore' }
  | { readonly kind: 'calcom' }
  /** LifeScore's emails were wanted, but Cal.com did not confirm its own are off: Cal.com's stay, LifeScore's are turned off. */
  | { readonly kind: 'fell-back'; readonly message: string };

export const FALLBACK_MESSAGE =
  'Cal.com did not confirm that it stopped its own emails to your clients (it allows this only for organization team event types), so LifeScore keeps Cal.com’s emails and does not send its own: a client never gets two confirmations.';

/**
 * Makes exactly one sender of client emails. `lifescore`: asks Cal.com to stop its standard emails to attendees on every
 * event type (emailSettings.disableStandardEmailsToAttendees) and trusts it only when every answer echoes it back;
 * `calcom`: turns Cal.com's emails back on (best effort: they are on unless this app turned them off).
 */
export async function applyEmailSource(
  calcom: Pick<CalcomClient, 'updateEventType'>,
  eventTypes: readonly EventTypeLink[],
  wanted: 'lifescore' | 'calcom',
  logger: Logger,
): Promise<EmailSourceOutcome> {
  if (wanted === 'calcom') {
    for (const et of eventTypes) {
      await calcom
        .updateEventType(et.id, { emailSettings: { disableStandardEmailsToAttendees: false } })
        .catch((err: unknown) =>
          logger.warn('could not turn Cal.com emails back on', { eventTypeId: et.id, err: String(err) }),
        );
    }
    return { kind: 'calcom' };
  }
  for (const et of eventTypes) {
    let confirmed = false;
    try {
      const answer = await calcom.updateEventType(et.id, { emailSettings: { disableStandardEmailsToAttendees: true } });
      const settings = (answer as { emailSettings?: { disableStandardEmailsToAttendees?: unknown } }).emailSettings;
      confirmed = settings?.disableStandardEmailsToAttendees === true;
    } catch (err) {
      logger.warn('Cal.com refused to turn off its emails', { eventTypeId: et.id, err: String(err) });
    }
    if (!confirmed) return { kind: 'fell-back', message: FALLBACK_MESSAGE };
  }
  return { kind: 'lifescore' };
}

/**
 * Applies the consultant's choice for the recorded connection; when Cal.com does not confirm its emails are off, the
 * setting becomes Cal.com's emails and `onFallBack` tells the consultant (app-core shows a notice and a toast).
 */
export function createEmailSourceSettler(deps: {
  readonly calcom: Pick<CalcomClient, 'updateEventType'>;
  readonly settings: SettingsStore;
  readonly integration: () => IntegrationRecord | undefined;
  readonly logger: Logger;
  readonly onFallBack: (message: string) => void;
}): (wanted: 'lifescore' | 'calcom') => Promise<void> {
  return async (wanted) => {
    const current = deps.integration();
    if (!current?.isConnected || current.reconnectNeeded) return;
    const outcome = await applyEmailSource(deps.calcom, current.eventTypes, wanted, deps.logger);
    if (outcome.kind !== 'fell-back') return;
    deps.settings.write({ ...deps.settings.read(), relayEmails: false });
    deps.onFallBack(outcome.message);
  };
}
