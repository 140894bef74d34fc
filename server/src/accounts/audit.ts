import type Database from 'better-sqlite3';
import type { AuditAction, AuditEntry } from '../contract/index.js';

export interface AuditInput {
  action: AuditAction;
  actor: string;
  actorId?: string | undefined;
  target?: string | undefined;
  detail?: Record<string, unknown> | undefined;
  address?: string | undefined;
}

const MAX_PAGE = 500;

/** What staff did to accounts, settings and candidate data, and every sign-in: appended, never edited. */
export class AuditLog {
  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        actor_id TEXT,
        target TEXT,
        detail TEXT NOT NULL,
        address TEXT
      );
    `);
  }

  record(input: AuditInput, at = new Date()): AuditEntry {
    const entry = {
      at: at.toISOString(),
      action: input.action,
      actor: input.actor,
      actorId: input.actorId,
      target: input.target,
      detail: input.detail ?? {},
      address: input.address,
    };
    const info = this.db
      .prepare('INSERT INTO audit_log (at, action, actor, actor_id, target, detail, address) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(entry.at, entry.action, entry.actor, entry.actorId ?? null, entry.target ?? null, JSON.stringify(entry.detail), entry.address ?? null);
    return { id: Number(info.lastInsertRowid), ...entry };
  }

  /** Newest first; `before` pages back from an entry id. */
  list(options: { limit?: number | undefined; before?: number | undefined; action?: AuditAction | undefined } = {}): AuditEntry[] {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), MAX_PAGE);
    const rows = this.db
      .prepare(
        `SELECT id, at, action, actor, actor_id, target, detail, address FROM audit_log
         WHERE (@before IS NULL OR id < @before) AND (@action IS NULL OR action = @action)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({ before: options.before ?? null, action: options.action ?? null, limit }) as Array<{
      id: number;
      at: string;
      action: AuditAction;
      actor: string;
      actor_id: string | null;
      target: string | null;
      detail: string;
      address: string | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      action: r.action,
      actor: r.actor,
      actorId: r.actor_id ?? undefined,
      target: r.target ?? undefined,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
      address: r.address ?? undefined,
    }));
  }
}
