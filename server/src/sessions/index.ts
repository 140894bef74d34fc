export { Sessions, type ClosedReason, type CreateInput, type Tokens } from './service.js';
export { FINISHED_STATES, Retention, type CandidateSession, type FinishedSession, type SessionFiles } from './retention.js';
export { SessionStore } from './store.js';
export { hashToken, newToken, tokenMatches } from './tokens.js';
export { MAX_EXTENSION_MINUTES } from './invites.js';
export * from './types.js';
export { candidateState, checksForRole, eventForRole, sessionView } from './view.js';
export { interviewRow, interviewStatus, matchesQuery } from './interviews.js';
export { CommandLog, commandForRole, MAX_COMMANDS_PER_SESSION, MAX_OUTPUT_CHARS_PER_SESSION, revealingLabels, type ReportedCommand, type RevealingRule } from './command-log.js';
