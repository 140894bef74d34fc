import type { Request } from 'express';
import { FaultlineError } from '../errors/index.js';
import { tokenMatches, type Mode, type Role, type SessionRecord, type Sessions } from '../sessions/index.js';
import { hashToken } from '../sessions/tokens.js';

export function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** Who may do what, beyond the role itself (practice candidates act for themselves), and who that is in words. */
export interface Permission {
  allows(role: Role, mode: Mode): boolean;
  who: string;
}

export const may = {
  anyone: { allows: () => true, who: 'anyone with a link' },
  notViewer: { allows: (role) => role !== 'viewer', who: 'the candidate or the interviewer' },
  interviewer: { allows: (role) => role === 'interviewer', who: 'the interviewer of an interview' },
  interviewerOrPracticeCandidate: {
    allows: (role, mode) => role === 'interviewer' || (role === 'candidate' && mode === 'practice'),
    who: 'the interviewer (or, in practice, the candidate)',
  },
  practiceCandidate: { allows: (role, mode) => role === 'candidate' && mode === 'practice', who: 'someone practising alone' },
  watchers: { allows: (role) => role === 'interviewer' || role === 'viewer', who: "an interview's interviewer and viewers" },
  recording: {
    allows: (role, mode) => role !== 'candidate' || mode === 'practice',
    who: "an interview's interviewer and viewers (or, in practice, the candidate)",
  },
} satisfies Record<string, Permission>;

/** What the link in hand is, and whom to turn to. */
function whoseLink(role: Role, mode: Mode): string {
  if (role === 'viewer') return 'This is a viewer link, which only watches; ask the interviewer.';
  if (role === 'interviewer') return "This is the interviewer's link.";
  return mode === 'interview' ? "This is the candidate's link; ask your interviewer." : 'This is a practice link, and practice has no interviewer.';
}

/**
 * Authenticate the bearer token for a session and check the role may do this. `action` completes
 * "Only ... can <action>" in the refusal.
 */
export interface Authorized {
  record: SessionRecord;
  role: Role;
}

export function authorize(sessions: Sessions, req: Request, permission: Permission, action: string): Authorized {
  const id = String(req.params.id);
  const { record, role } = sessions.authenticate(id, bearer(req));
  if (!permission.allows(role, record.mode)) {
    throw new FaultlineError('forbidden', `Only ${permission.who} can ${action}. ${whoseLink(role, record.mode)}`);
  }
  return { record, role };
}

/** The interviewer key, compared in constant time. */
export function isInterviewerKey(req: Request, key: string | undefined): boolean {
  const presented = bearer(req);
  return Boolean(key && presented && tokenMatches(presented, hashToken(key)));
}
