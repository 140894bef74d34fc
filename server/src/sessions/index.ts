export { Sessions, type ClosedReason, type CreateInput, type Tokens } from './service.js';
export { SessionStore } from './store.js';
export { hashToken, newToken, tokenMatches } from './tokens.js';
export * from './types.js';
export { checksForRole, eventForRole, sessionView } from './view.js';
export { CommandLog, commandForRole, MAX_COMMANDS_PER_SESSION, MAX_OUTPUT_CHARS_PER_SESSION, revealingLabels, type ReportedCommand, type RevealingRule } from './command-log.js';
