import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AccountSettings } from '../config/index.js';
import type { Account } from '../contract/index.js';
import type { UserStore } from './users.js';

/** A browser's sign-in: the cookie holds `secret`, the table only its hash. */
export interface OpenedWebSession {
  secret: string;
  csrfToken: string;
  expiresAt: string;
}

export interface ResolvedWebSession {
  user: Account;
  csrfToken: string;
  expiresAt: string;
}

interface Row {
  user_id: string;
  csrf: string;
  last_seen_at: string;
  expires_at: string;
}

export function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** Writes of last_seen_at are spaced out: a page's burst of requests is one write. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Server-side sign-ins with an idle and an absolute timeout. A disabled account resolves to
 * nothing on its very next request, and disabling also deletes its rows.
 */
export class WebSessions {
  constructor(
    private readonly db: Database.Database,
    private readonly users: UserStore,
    private readonly settings: AccountSettings,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS web_sessions (
        id_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS web_sessions_user ON web_sessions(user_id);
    `);
  }

  open(userId: string, now = new Date()): OpenedWebSession {
    const secret = crypto.randomBytes(32).toString('base64url');
    const csrfToken = crypto.randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.settings.maxHours * 3_600_000).toISOString();
    // Old rows of anyone are cleared here, so the table holds only sign-ins that can still be used.
    this.db.prepare('DELETE FROM web_sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(now.toISOString(), this.idleCutoff(now));
    this.db
      .prepare('INSERT INTO web_sessions (id_hash, user_id, csrf, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sha256(secret), userId, csrfToken, now.toISOString(), now.toISOString(), expiresAt);
    return { secret, csrfToken, expiresAt };
  }

  resolve(secret: string, now = new Date()): ResolvedWebSession | undefined {
    const idHash = sha256(secret);
    const row = this.db.prepare('SELECT user_id, csrf, last_seen_at, expires_at FROM web_sessions WHERE id_hash = ?').get(idHash) as Row | undefined;
    if (!row) return undefined;
    const user = this.users.get(row.user_id);
    if (!user || user.disabled || row.expires_at <= now.toISOString() || row.last_seen_at <= this.idleCutoff(now)) {
      this.db.prepare('DELETE FROM web_sessions WHERE id_hash = ?').run(idHash);
      return undefined;
    }
    if (now.getTime() - Date.parse(row.last_seen_at) > TOUCH_EVERY_MS) {
      this.db.prepare('UPDATE web_sessions SET last_seen_at = ? WHERE id_hash = ?').run(now.toISOString(), idHash);
    }
    return { user, csrfToken: row.csrf, expiresAt: row.expires_at };
  }

  close(secret: string): void {
    this.db.prepare('DELETE FROM web_sessions WHERE id_hash = ?').run(sha256(secret));
  }

  closeAllFor(userId: string): number {
    return this.db.prepare('DELETE FROM web_sessions WHERE user_id = ?').run(userId).changes;
  }

  private idleCutoff(now: Date): string {
    return new Date(now.getTime() - this.settings.idleMinutes * 60_000).toISOString();
  }
}
