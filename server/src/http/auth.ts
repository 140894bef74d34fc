import type { Request } from 'express';
import { FaultlineError } from '../errors/index.js';
import { tokenMatches, type Mode, type Role, type SessionRecord, type Sessions } from '../sessions/index.js';
import { hashToken } from '../sessions/tokens.js';

export function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** Who may do what, beyond the role itself: practice candidates act for themselves. */
export type Permission = (role: Role, mode: Mode) => boolean;

export const may = {
  anyone: () => true,
  notViewer: (role: Role) => role !== 'viewer',
  interviewer: (role: Role) => role === 'interviewer',
  interviewerOrPracticeCandidate: (role: Role, mode: Mode) => role === 'interviewer' || (role === 'candidate' && mode === 'practice'),
  practiceCandidate: (role: Role, mode: Mode) => role === 'candidate' && mode === 'practice',
  watchers: (role: Role) => role === 'interviewer' || role === 'viewer',
  recording: (role: Role, mode: Mode) => role !== 'candidate' || mode === 'practice',
} satisfies Record<string, Permission>;

/** Authenticate the bearer token for a session and check the role may do this. */
export function authorize(sessions: Sessions, req: Request, permission: Permission): { record: SessionRecord; role: Role } {
  const id = String(req.params.id);
  const { record, role } = sessions.authenticate(id, bearer(req));
  if (!permission(role, record.mode)) {
    throw new FaultlineError('forbidden', `The ${role} of a ${record.mode} session cannot do this`);
  }
  return { record, role };
}

/** The interviewer key, compared in constant time. */
export function isInterviewerKey(req: Request, key: string | undefined): boolean {
  const presented = bearer(req);
  return Boolean(key && presented && tokenMatches(presented, hashToken(key)));
}
