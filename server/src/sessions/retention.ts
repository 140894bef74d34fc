import fs from 'node:fs';
import type { CommandEntry, Note, SessionEvent } from '../contract/index.js';
import { CommandLog } from './command-log.js';
import type { SessionStore } from './store.js';
import type { SessionRecord, State } from './types.js';

/** States a session never leaves: its data is kept only until the retention period is over. */
export const FINISHED_STATES: readonly State[] = ['expired', 'ended', 'failed'];

/**
 * Where a session keeps files of its own in the data directory. Passed in from above: the
 * terminal owns the recording's path, and sessions may not import it.
 */
export interface SessionFiles {
  /** The terminal's recording, exported as text. */
  recording(sessionId: string): string;
  /** Every file of the session there (the recording and any copy of it kept aside): deleted with it. */
  list(sessionId: string): string[];
}

/** A finished session the purge would delete, and the moment it counts as ended. */
export interface FinishedSession {
  id: string;
  state: State;
  candidateName?: string | undefined;
  /** endedAt, else the last timeline entry, else creation. */
  endedAt: string;
}

/** A session as exported for its candidate: everything held, except the hashes of its link tokens. */
export interface CandidateSession {
  record: Omit<SessionRecord, 'tokenHashes'>;
  events: SessionEvent[];
  notes: Note[];
  score: SessionRecord['score'];
  commands: Array<CommandEntry & { output?: string | undefined }>;
  /** The asciicast recording as stored; null when there is none. */
  recording: string | null;
}

/**
 * Deletes every trace of finished sessions: their rows in every table that refers to sessions
 * (timeline, notes, command log, and any table added later with such a reference) and their
 * files. Whether a session is live is decided by the caller's memory as well as the stored state.
 */
export class Retention {
  private readonly commands: CommandLog;

  constructor(
    private readonly store: SessionStore,
    private readonly files: SessionFiles,
  ) {
    // Also creates the command log's table when a process (the CLI) has not opened it yet.
    this.commands = new CommandLog(store.db);
    // Deleted rows are overwritten, not left readable in the file's free pages.
    store.db.pragma('secure_delete = ON');
  }

  /** Finished sessions whose end is before the cutoff, oldest first. */
  finishedBefore(cutoff: Date): FinishedSession[] {
    const rows = this.store.db
      .prepare(
        `SELECT s.id, s.state, json_extract(s.record, '$.candidateName') AS candidateName,
                COALESCE(json_extract(s.record, '$.endedAt'), (SELECT MAX(e.at) FROM events e WHERE e.session_id = s.id), s.created_at) AS endedAt
         FROM sessions s WHERE s.state IN (${FINISHED_STATES.map(() => '?').join(',')})`,
      )
      .all(...FINISHED_STATES) as Array<{ id: string; state: State; candidateName: string | null; endedAt: string }>;
    const limit = cutoff.getTime();
    return rows
      .filter((r) => Date.parse(r.endedAt) < limit)
      .sort((a, b) => Date.parse(a.endedAt) - Date.parse(b.endedAt))
      .map((r) => ({ id: r.id, state: r.state, candidateName: r.candidateName ?? undefined, endedAt: r.endedAt }));
  }

  /** Every stored session of a candidate: the name trimmed and compared without case. */
  byCandidate(name: string): SessionRecord[] {
    const wanted = name.trim().toLowerCase();
    if (!wanted) return [];
    const rows = this.store.db
      .prepare("SELECT record FROM sessions WHERE lower(trim(json_extract(record, '$.candidateName'))) = ? ORDER BY created_at")
      .all(wanted) as Array<{ record: string }>;
    // SQLite lower() folds ASCII only: the names are compared again with JavaScript's folding.
    return rows.map((r) => JSON.parse(r.record) as SessionRecord).filter((r) => r.candidateName?.trim().toLowerCase() === wanted);
  }

  exportSession(record: SessionRecord): CandidateSession {
    const { tokenHashes: _hashes, ...rest } = record;
    const commands = this.commands
      .list(record.id)
      .map((c) => (c.kind === 'command' && c.hasOutput ? { ...c, output: this.commands.output(record.id, c.id)?.output } : c));
    let recording: string | null = null;
    try {
      recording = fs.readFileSync(this.files.recording(record.id), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return { record: rest, events: this.store.events(record.id), notes: this.store.notes(record.id), score: record.score, commands, recording };
  }

  /** Delete the sessions' rows in one transaction, then their files. */
  erase(ids: readonly string[]): void {
    if (ids.length === 0) return;
    const db = this.store.db;
    const tables = db
      .prepare(
        `SELECT m.name AS tbl, f."from" AS col FROM sqlite_master m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f."table" = 'sessions'`,
      )
      .all() as Array<{ tbl: string; col: string }>;
    const deletes = tables.map((t) => db.prepare(`DELETE FROM "${t.tbl.replaceAll('"', '""')}" WHERE "${t.col.replaceAll('"', '""')}" = ?`));
    const deleteSession = db.prepare('DELETE FROM sessions WHERE id = ?');
    db.transaction(() => {
      for (const id of ids) {
        for (const d of deletes) d.run(id);
        deleteSession.run(id);
      }
    })();
    // The write-ahead log still holds the pages as they were: fold it into the database and empty it.
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (const id of ids) {
      this.commands.forget(id);
      for (const file of this.files.list(id)) fs.rmSync(file, { force: true });
    }
  }
}
