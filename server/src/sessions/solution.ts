import { FaultlineError } from '../errors/index.js';
import { LIVE_STATES, type Role, type SessionRecord } from './types.js';

/**
 * The write-up as a role may read it, or undefined. It exists once the environment was first
 * ready (its text names the drawn variant). The interviewer reads it while the session is live.
 * A practice candidate reads it once it can no longer spoil anything: after giving up, after a
 * solve, or when the time ran out, also on the ended page. An interview candidate and a viewer
 * never do.
 */
export function solutionFor(record: SessionRecord, role: Role): string | undefined {
  const solution = record.content?.solution;
  if (solution === undefined) return undefined;
  if (role === 'interviewer') return LIVE_STATES.has(record.state) ? solution : undefined;
  if (role !== 'candidate' || record.mode !== 'practice') return undefined;
  return record.gaveUp || record.firstSolvedAt !== undefined || record.state === 'expired' ? solution : undefined;
}

/** Why a practice candidate cannot give up now (the session is known to be live), if so. */
export function giveUpRefusal(record: SessionRecord): FaultlineError | undefined {
  if (record.mode !== 'practice') {
    return new FaultlineError('forbidden', 'Giving up is only for practice sessions. In an interview, tell your interviewer where you are stuck.');
  }
  if (record.state === 'starting' || !record.content) {
    return new FaultlineError(
      'conflict',
      record.readyAt
        ? 'Your environment is being rebuilt. You can give up once it is ready again.'
        : 'Your environment is still being built, and the solution is written for the variant it draws. You can give up once it is ready.',
    );
  }
  if (record.firstSolvedAt) {
    return new FaultlineError('conflict', 'You already solved this scenario, so there is nothing to give up: the write-up is open in your session.');
  }
  return undefined;
}
