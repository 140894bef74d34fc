import { timeOfDay } from '../lib/format.js';
import { LIVE_STATES, type Session } from '../lib/types.js';

/** The time-limit warning the server gave ("5 minutes left"), said to whoever is on the page. */
export function TimeWarning({ session }: { session: Session }) {
  const warning = session.timeWarning;
  if (!warning || !LIVE_STATES.has(session.state)) return null;
  const left = `${warning.minutesLeft} minute${warning.minutesLeft === 1 ? '' : 's'} left`;
  const next =
    session.role !== 'candidate'
      ? 'The candidate sees this warning too.'
      : session.mode === 'interview'
        ? 'Tell your interviewer what you have found so far.'
        : 'Save anything you want to keep outside the lab.';
  return (
    <div className="banner warn" role="alert" data-testid="time-warning">
      <span>
        <strong>{left}.</strong> At {timeOfDay(session.expiresAt)} the session ends and the environment is removed. {next}
      </span>
    </div>
  );
}
