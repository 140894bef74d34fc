import { clock, secondsBetween } from './format.js';
import type { Session, SessionEvent } from './types.js';

/** Minutes:seconds since the environment was first ready. */
function sinceReady(session: Session, at: string): string {
  return clock(session.readyAt ? secondsBetween(session.readyAt, at) : 0);
}

/**
 * The session's verdict in one phrase. Solved means solved at the end (or now): a session first
 * solved and then broken again by an escalation or a reset says so. `over` comes from the page when
 * it knows the session ended before its copy of the record does (the socket closed first).
 */
export function outcomeHeadline(session: Session, over = Boolean(session.endedAt)): string {
  if (session.solvedAt) {
    const inTime = `Solved in ${sinceReady(session, session.solvedAt)}`;
    return session.firstSolvedAt && session.firstSolvedAt !== session.solvedAt ? `${inTime} (first solved at ${sinceReady(session, session.firstSolvedAt)})` : inTime;
  }
  const now = over ? 'when the session ended' : 'now';
  return session.firstSolvedAt ? `First solved at ${sinceReady(session, session.firstSolvedAt)}, not solved ${now}` : 'Not solved';
}

/** "first solved at 0:25; escalation at 1:10; solved again at 3:02", from the timeline. */
export function solveStory(session: Session, events: SessionEvent[]): string {
  const parts: string[] = [];
  for (const e of events) {
    const at = sinceReady(session, e.at);
    if (e.type === 'solved') parts.push(`${e.data.again ? 'solved again' : 'first solved'} at ${at}`);
    else if (e.type === 'escalation') parts.push(`escalation at ${at}`);
    else if (e.type === 'unsolved' && e.data.cause !== 'escalation') parts.push(`a check failed again at ${at}`);
    else if (e.type === 'reset' && parts.length > 0) parts.push(`reset at ${at}`);
  }
  return parts.join('; ');
}
