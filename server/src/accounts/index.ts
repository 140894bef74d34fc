import type Database from 'better-sqlite3';
import type { AccountSettings } from '../config/index.js';
import { ApiTokens } from './api-tokens.js';
import { AuditLog } from './audit.js';
import { UserStore } from './users.js';
import { WebSessions } from './web-sessions.js';

export { API_TOKEN_PREFIX } from './api-tokens.js';
export type { AuditInput } from './audit.js';
export { generatePassword, MIN_PASSWORD_LENGTH } from './passwords.js';
export { checkPassword, normalEmail, type NewAccount } from './users.js';
export type { OpenedWebSession, ResolvedWebSession } from './web-sessions.js';
export { ApiTokens, AuditLog, UserStore, WebSessions };

/**
 * Staff accounts and everything that hangs off them, in the sessions' SQLite database: users,
 * browser sign-ins, personal API tokens and the audit log. Nothing here speaks HTTP.
 */
export class Accounts {
  readonly users: UserStore;
  readonly webSessions: WebSessions;
  readonly tokens: ApiTokens;
  readonly audit: AuditLog;

  constructor(db: Database.Database, settings: AccountSettings) {
    this.users = new UserStore(db);
    this.webSessions = new WebSessions(db, this.users, settings);
    this.tokens = new ApiTokens(db, this.users);
    this.audit = new AuditLog(db);
  }
}
