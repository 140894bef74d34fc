import type { InterviewRow } from '../contract/index.js';
import { errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import { interviewRow, type SessionEvent, type Sessions } from '../sessions/index.js';
import { finishedPayload, lobbyPayload, type Webhook } from './webhook.js';

/** Timeline entries after which an interview is over: the team hears of each once. */
const FINISHING: ReadonlySet<SessionEvent['type']> = new Set(['ended', 'expired', 'failed', 'revoked']);

/**
 * Sends the hiring events to the webhook: a candidate arriving in an interview's lobby (once per
 * interview: 'lobby' is recorded on the first arrival only) and an interview that finished.
 */
export function notifyHiringEvents(sessions: Sessions, webhook: Webhook): void {
  const row = (id: string): InterviewRow => {
    const record = sessions.get(id);
    return interviewRow(record, {
      titleOf: (scenarioId) => sessions.lab.scenario(scenarioId).spec.title,
      candidateConnected: sessions.candidateConnected(id),
      invite: sessions.inviteStatus(record),
      links: { candidate: '', interviewer: '', viewer: '', report: '', replay: '' },
    });
  };
  sessions.on('event', (id, event) => {
    try {
      if (event.type === 'lobby') webhook.send('candidate.lobby', lobbyPayload(row(id)));
      // A withdrawn invite records 'revoked' rather than 'ended'.
      else if (FINISHING.has(event.type) && sessions.get(id).mode === 'interview') webhook.send('interview.finished', finishedPayload(row(id)));
    } catch (err) {
      logger.error({ sessionId: id, err: errorMessage(err) }, 'could not queue a webhook event');
    }
  });
}
