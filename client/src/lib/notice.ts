import type { Session } from './types.js';

const storageKey = (sessionId: string) => `faultline.notice.${sessionId}`;

/** Whether this tab already accepted the session's notice: a reload does not ask again. */
export function noticeAccepted(sessionId: string): boolean {
  try {
    return sessionStorage.getItem(storageKey(sessionId)) === 'accepted';
  } catch {
    // Storage refused (a locked-down browser): ask again rather than assume.
    return false;
  }
}

export function rememberNotice(sessionId: string): void {
  try {
    sessionStorage.setItem(storageKey(sessionId), 'accepted');
  } catch {
    // Without storage the notice is asked for again after a reload; the server records it once.
  }
}

/** An interview candidate is told what is recorded before the terminal opens; practice and watchers are not. */
export function needsNotice(session: Session, accepted: boolean): boolean {
  return session.role === 'candidate' && Boolean(session.privacyNotice) && !accepted;
}
