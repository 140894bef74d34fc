import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import type { Author, EventType, Note, SessionEvent, SessionRecord, State } from './types.js';

/**
 * SQLite persistence for sessions, their timeline and notes (WAL, created on first start). The
 * store is synchronous and small; the session service is its only user.
 */
export class SessionStore {
  /** Shared with the command log (command-log.ts), which keeps its own table. */
  readonly db: Database.Database;

  constructor(dbPath: string) {
    // Sessions hold tokens' hashes, notes and scores: only the server's user may read them.
    const dir = path.dirname(dbPath);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      fs.chmodSync(dir, 0o700);
    } catch (err) {
      // A directory someone else owns (shared or mounted): it works, but say so.
      logger.warn({ dir, err: errorMessage(err) }, 'could not make the data directory private (mode 0700); check who can read it');
    }
    fs.closeSync(fs.openSync(dbPath, 'a', 0o600));
    // SQLite gives its -wal and -shm files the database file's mode; older files are tightened here.
    for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
      if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
    }
    try {
      this.db = new Database(dbPath);
    } catch (err) {
      throw new FaultlineError('internal', `Cannot open the session database ${dbPath}: ${errorMessage(err)}`, { cause: err });
    }
    this.db.pragma('journal_mode = WAL');
    // A checkpoint truncates the write-ahead log back to this size, so it cannot grow unseen.
    this.db.pragma(`journal_size_limit = ${16 * 1024 * 1024}`);
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS sessions_state ON sessions(state);
      CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        at TEXT NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS events_session ON events(session_id, id);
      CREATE TABLE IF NOT EXISTS notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        at TEXT NOT NULL,
        text TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS notes_session ON notes(session_id, id);
    `);
    // Notes gained their author with accounts; databases from before get the column.
    const noteColumns = this.db.prepare('PRAGMA table_info(notes)').all() as Array<{ name: string }>;
    if (!noteColumns.some((c) => c.name === 'author')) this.db.exec('ALTER TABLE notes ADD COLUMN author TEXT');
  }

  save(record: SessionRecord): void {
    this.db
      .prepare(
        `INSERT INTO sessions (id, state, created_at, record) VALUES (@id, @state, @createdAt, @record)
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, record = excluded.record`,
      )
      .run({ id: record.id, state: record.state, createdAt: record.createdAt, record: JSON.stringify(record) });
  }

  get(id: string): SessionRecord | undefined {
    const row = this.db.prepare('SELECT record FROM sessions WHERE id = ?').get(id) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as SessionRecord) : undefined;
  }

  byStates(states: State[]): SessionRecord[] {
    const rows = this.db
      .prepare(`SELECT record FROM sessions WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY created_at`)
      .all(...states) as Array<{ record: string }>;
    return rows.map((r) => JSON.parse(r.record) as SessionRecord);
  }

  /** Interviews, newest first: what the dashboard lists (at most `limit`). */
  interviews(limit: number): SessionRecord[] {
    const rows = this.db
      .prepare("SELECT record FROM sessions WHERE json_extract(record, '$.mode') = 'interview' ORDER BY created_at DESC LIMIT ?")
      .all(limit) as Array<{ record: string }>;
    return rows.map((r) => JSON.parse(r.record) as SessionRecord);
  }

  /** The session an environment belongs to, if any session here ever used it. */
  sessionByEnv(envId: string): SessionRecord | undefined {
    const row = this.db.prepare("SELECT record FROM sessions WHERE json_extract(record, '$.envId') = ?").get(envId) as
      | { record: string }
      | undefined;
    return row ? (JSON.parse(row.record) as SessionRecord) : undefined;
  }

  addEvent(sessionId: string, type: EventType, data: Record<string, unknown>, at = new Date()): SessionEvent {
    const iso = at.toISOString();
    const info = this.db
      .prepare('INSERT INTO events (session_id, at, type, data) VALUES (?, ?, ?, ?)')
      .run(sessionId, iso, type, JSON.stringify(data));
    return { id: Number(info.lastInsertRowid), at: iso, type, data };
  }

  /** Whether the session's timeline has an event of this type (without reading the timeline). */
  hasEvent(sessionId: string, type: EventType): boolean {
    return this.db.prepare('SELECT 1 FROM events WHERE session_id = ? AND type = ? LIMIT 1').get(sessionId, type) !== undefined;
  }

  eventCount(sessionId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events WHERE session_id = ?').get(sessionId) as { n: number }).n;
  }

  events(sessionId: string): SessionEvent[] {
    const rows = this.db.prepare('SELECT id, at, type, data FROM events WHERE session_id = ? ORDER BY id').all(sessionId) as Array<{
      id: number;
      at: string;
      type: EventType;
      data: string;
    }>;
    return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  addNote(sessionId: string, text: string, author: Author | undefined, at = new Date()): Note {
    const iso = at.toISOString();
    const info = this.db.prepare('INSERT INTO notes (session_id, at, text, author) VALUES (?, ?, ?, ?)').run(sessionId, iso, text, author ? JSON.stringify(author) : null);
    return { id: Number(info.lastInsertRowid), at: iso, text, author };
  }

  noteCount(sessionId: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM notes WHERE session_id = ?').get(sessionId) as { n: number }).n;
  }

  notes(sessionId: string): Note[] {
    const rows = this.db.prepare('SELECT id, at, text, author FROM notes WHERE session_id = ? ORDER BY id').all(sessionId) as Array<Omit<Note, 'author'> & { author: string | null }>;
    return rows.map((r) => ({ id: r.id, at: r.at, text: r.text, author: r.author ? (JSON.parse(r.author) as Author) : undefined }));
  }

  /** Readiness: take the write lock and let go of it, which fails on a read-only or broken file. */
  assertWritable(): void {
    this.db.exec('BEGIN IMMEDIATE');
    this.db.exec('ROLLBACK');
  }

  close(): void {
    this.db.close();
  }
}
