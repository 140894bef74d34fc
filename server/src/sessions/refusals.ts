import { FaultlineError } from '../errors/index.js';
import type { State } from './types.js';

// What the session service answers when a request cannot be done, as sentences that say what
// happened and what to do.

export function unknownSession(id: string): FaultlineError {
  return new FaultlineError('not_found', `There is no session ${id} on this server. Check that the link is complete, or start a new session.`);
}

/** A missing token and a wrong one are told apart: the fix differs (open the whole link, or get it again). */
export function badToken(token: string | undefined): FaultlineError {
  return new FaultlineError(
    'unauthorized',
    token
      ? "This link's access token does not open this session. Check that the whole link was copied (the token is the part after #), or ask for the link again."
      : 'No access token came with this request. Open the whole link you were given: the token is the part after #.',
  );
}

export function notRunning(): FaultlineError {
  return new FaultlineError('conflict', 'The environment is not running yet: it is being built (or rebuilt after a reset). Try again once it is ready.');
}

/** Ended, expired and failed sessions are read-only: their links still read the record. */
export function sessionOver(state: State): FaultlineError {
  const what = state === 'expired' ? 'ran out of time' : state === 'failed' ? 'failed' : 'has ended';
  return new FaultlineError('conflict', `This session ${what}, so nothing in it can change any more; its record (report, replay) can still be read.`);
}
