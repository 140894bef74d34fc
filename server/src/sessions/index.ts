export { Sessions, type ClosedReason, type CreateInput, type Tokens } from './service.js';
export { SessionStore } from './store.js';
export { hashToken, newToken, tokenMatches } from './tokens.js';
export * from './types.js';
export { checksForRole, eventForRole, sessionView } from './view.js';
