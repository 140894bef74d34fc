import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Account, ApiTokenView, CreatedApiToken } from '../contract/index.js';
import { FaultlineError } from '../errors/index.js';
import type { UserStore } from './users.js';
import { sha256 } from './web-sessions.js';

/** The prefix tells a personal token from a session link's token or the interviewer key at a glance. */
export const API_TOKEN_PREFIX = 'flt_';
const MAX_TOKENS_PER_USER = 50;

interface Row {
  id: string;
  user_id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

function toView(row: Row): ApiTokenView {
  return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at ?? undefined, revokedAt: row.revoked_at ?? undefined };
}

/** Personal tokens for scripts: named, hashed at rest, revocable, acting as their owner with the owner's role. */
export class ApiTokens {
  constructor(
    private readonly db: Database.Database,
    private readonly users: UserStore,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS api_tokens (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
      );
      CREATE INDEX IF NOT EXISTS api_tokens_user ON api_tokens(user_id);
    `);
  }

  create(userId: string, name: string): CreatedApiToken {
    const label = name.trim();
    if (!label || label.length > 80) throw new FaultlineError('bad_request', 'A token needs a name of 1 to 80 characters (what it is for, e.g. "ATS sync").');
    const live = (this.db.prepare('SELECT count(*) AS n FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL').get(userId) as { n: number }).n;
    if (live >= MAX_TOKENS_PER_USER) throw new FaultlineError('conflict', `You have ${String(live)} tokens, the most one person may hold; revoke one you no longer use.`);
    const secret = `${API_TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
    const id = `t_${crypto.randomBytes(9).toString('base64url')}`;
    this.db
      .prepare('INSERT INTO api_tokens (id, user_id, name, hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, userId, label, sha256(secret), new Date().toISOString());
    return { token: this.get(userId, id), secret };
  }

  list(userId: string): ApiTokenView[] {
    return (this.db.prepare('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC').all(userId) as Row[]).map(toView);
  }

  private get(userId: string, id: string): ApiTokenView {
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE id = ? AND user_id = ?').get(id, userId) as Row | undefined;
    if (!row) throw new FaultlineError('not_found', `You have no token ${id}; GET /api/tokens lists yours.`);
    return toView(row);
  }

  revoke(userId: string, id: string): ApiTokenView {
    this.get(userId, id);
    this.db.prepare('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(new Date().toISOString(), id);
    return this.get(userId, id);
  }

  /** The token's owner, if the token is live and the owner may sign in. */
  resolve(secret: string): Account | undefined {
    if (!secret.startsWith(API_TOKEN_PREFIX)) return undefined;
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE hash = ?').get(sha256(secret)) as Row | undefined;
    if (!row || row.revoked_at) return undefined;
    const user = this.users.get(row.user_id);
    if (!user || user.disabled) return undefined;
    if (!row.last_used_at || Date.now() - Date.parse(row.last_used_at) > 60_000) {
      this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(new Date().toISOString(), row.id);
    }
    return user;
  }
}
