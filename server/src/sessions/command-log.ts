import type Database from 'better-sqlite3';
import type { CommandEntry, Role } from '../contract/index.js';
import { logger } from '../logging/index.js';

/**
 * The commands a session's shell reported (terminal/shell-marks.ts), kept in SQLite next to the
 * timeline. It is what the shell said, which the candidate controls: shown to the interviewer,
 * never used for pass or fail. Bounded like the timeline: a count per session, and each entry's
 * text was capped by the parser.
 */
export const MAX_COMMANDS_PER_SESSION = 2000;
/** Command output kept per session (characters); past it, later commands keep their line but no output. */
export const MAX_OUTPUT_CHARS_PER_SESSION = 2 * 1024 * 1024;

/** A command as the parser hands it over: the listed fields, and its output (kept apart). */
export type ReportedCommand = Omit<Extract<CommandEntry, { kind: 'command' }>, 'id' | 'kind' | 'hasOutput' | 'revealing'> & { output: string };

export interface RevealingRule {
  pattern: string;
  label: string;
  hosts?: string[] | undefined;
}

interface Row {
  id: number;
  kind: 'command' | 'notice';
  data: string;
}

export class CommandLog {
  private readonly counts = new Map<string, number>();
  private readonly outputChars = new Map<string, number>();

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS commands (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        kind TEXT NOT NULL,
        data TEXT NOT NULL,
        output TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX IF NOT EXISTS commands_session ON commands(session_id, id);
    `);
  }

  /** Keep a reported command; undefined once the session's budget is spent (one notice says so). */
  add(sessionId: string, command: ReportedCommand, rules: readonly RevealingRule[]): CommandEntry | undefined {
    if (!this.admit(sessionId)) return undefined;
    const { output: reported, ...rest } = command;
    const output = this.admitOutput(sessionId, reported);
    const data = { ...rest, outputTruncated: rest.outputTruncated || output.length < reported.length, revealing: revealingLabels(rules, command.host, command.command) };
    const info = this.db
      .prepare("INSERT INTO commands (session_id, kind, data, output) VALUES (?, 'command', ?, ?)")
      .run(sessionId, JSON.stringify(data), output);
    return { id: Number(info.lastInsertRowid), kind: 'command', ...data, hasOutput: output.length > 0 };
  }

  /** A note about the reporting (integration lost on a host), within the same budget. */
  notice(sessionId: string, text: string): CommandEntry | undefined {
    return this.admit(sessionId) ? this.insertNotice(sessionId, text) : undefined;
  }

  list(sessionId: string): CommandEntry[] {
    const rows = this.db
      .prepare("SELECT id, kind, data, length(output) > 0 AS has FROM commands WHERE session_id = ? ORDER BY id")
      .all(sessionId) as Array<Row & { has: number }>;
    return rows.map((r) => {
      const data = JSON.parse(r.data) as Record<string, unknown>;
      return r.kind === 'notice'
        ? ({ id: r.id, kind: 'notice', ...data } as CommandEntry)
        : ({ id: r.id, kind: 'command', ...data, hasOutput: r.has === 1 } as CommandEntry);
    });
  }

  output(sessionId: string, id: number): { output: string; outputTruncated: boolean } | undefined {
    const row = this.db.prepare("SELECT data, output FROM commands WHERE session_id = ? AND id = ? AND kind = 'command'").get(sessionId, id) as
      | { data: string; output: string }
      | undefined;
    if (!row) return undefined;
    return { output: row.output, outputTruncated: (JSON.parse(row.data) as { outputTruncated?: boolean }).outputTruncated === true };
  }

  /** The session is over: its counters leave memory (they are read from the table again if needed). */
  forget(sessionId: string): void {
    this.counts.delete(sessionId);
    this.outputChars.delete(sessionId);
  }

  private count(sessionId: string): number {
    let n = this.counts.get(sessionId);
    if (n === undefined) {
      n = (this.db.prepare('SELECT COUNT(*) AS n FROM commands WHERE session_id = ?').get(sessionId) as { n: number }).n;
      this.counts.set(sessionId, n);
    }
    return n;
  }

  /** The output to keep: all of it while the session's output budget lasts, then none. */
  private admitOutput(sessionId: string, output: string): string {
    let used = this.outputChars.get(sessionId);
    if (used === undefined) {
      used = (this.db.prepare('SELECT COALESCE(SUM(length(output)), 0) AS n FROM commands WHERE session_id = ?').get(sessionId) as { n: number }).n;
    }
    const kept = used + output.length <= MAX_OUTPUT_CHARS_PER_SESSION ? output : '';
    this.outputChars.set(sessionId, used + kept.length);
    return kept;
  }

  private admit(sessionId: string): boolean {
    const n = this.count(sessionId);
    if (n < MAX_COMMANDS_PER_SESSION) {
      this.counts.set(sessionId, n + 1);
      return true;
    }
    if (n === MAX_COMMANDS_PER_SESSION) {
      this.counts.set(sessionId, n + 1);
      this.insertNotice(sessionId, `${MAX_COMMANDS_PER_SESSION} entries were logged; later commands are only in the recording`);
    }
    return false;
  }

  private insertNotice(sessionId: string, text: string): CommandEntry {
    const data = { at: new Date().toISOString(), text };
    const info = this.db.prepare("INSERT INTO commands (session_id, kind, data) VALUES (?, 'notice', ?)").run(sessionId, JSON.stringify(data));
    return { id: Number(info.lastInsertRowid), kind: 'notice', ...data };
  }
}

/** An entry as a role may see it: revealing labels point at the cause, so a candidate gets the command alone. */
export function commandForRole(entry: CommandEntry, role: Role): CommandEntry {
  return role === 'candidate' && entry.kind === 'command' ? { ...entry, revealing: [] } : entry;
}

const compiled = new WeakMap<readonly RevealingRule[], Array<{ re: RegExp; rule: RevealingRule }>>();

/**
 * Labels of the rules a command matches. Patterns are compiled once per rule list; one that does
 * not compile is skipped (and logged) rather than break the session.
 */
export function revealingLabels(rules: readonly RevealingRule[], host: string, command: string): string[] {
  let list = compiled.get(rules);
  if (!list) {
    list = [];
    for (const rule of rules) {
      try {
        list.push({ re: new RegExp(rule.pattern), rule });
      } catch (err) {
        logger.warn({ pattern: rule.pattern, err: String(err) }, 'a revealing-command pattern does not compile; it is ignored');
      }
    }
    compiled.set(rules, list);
  }
  const labels: string[] = [];
  for (const { re, rule } of list) {
    if (rule.hosts && !rule.hosts.includes(host)) continue;
    if (re.test(command) && !labels.includes(rule.label)) labels.push(rule.label);
  }
  return labels;
}
