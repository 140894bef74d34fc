import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Plan, PlanPart } from '../contract/index.js';
import { FaultlineError } from '../errors/index.js';

export const MAX_PLANS = 200;
export const MAX_PLAN_PARTS = 5;
const NAME_MAX = 100;

/** One part as POST /api/plans (and POST /api/sessions with `parts`) accept it. */
export const planPartSchema = z.strictObject({
  scenarioId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be a scenario id such as dns-stale-record'),
  timeLimitMinutes: z.number().int().min(1).max(240).optional(),
});

export const planPartsSchema = z
  .array(planPartSchema)
  .min(1, 'a plan needs at least one part')
  .max(MAX_PLAN_PARTS, `a plan has at most ${MAX_PLAN_PARTS} parts`);

interface PlanRow {
  id: string;
  name: string;
  parts: string;
  created_at: string;
}

/**
 * Saved interview plans (GET/POST/DELETE /api/plans) in the session database. Which scenarios
 * exist is the caller's to check: a plan may outlive a scenario, and creating a session says so.
 */
export class PlanStore {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
    // NOCASE backs up create()'s own check, which also folds non-ASCII letters.
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS plans (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        parts TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS plans_name ON plans(name COLLATE NOCASE);
    `);
  }

  /** Newest first. */
  list(): Plan[] {
    const rows = this.db.prepare('SELECT id, name, parts, created_at FROM plans ORDER BY created_at DESC, rowid DESC').all() as PlanRow[];
    return rows.map(toPlan);
  }

  get(id: string): Plan | undefined {
    const row = this.db.prepare('SELECT id, name, parts, created_at FROM plans WHERE id = ?').get(id) as PlanRow | undefined;
    return row ? toPlan(row) : undefined;
  }

  create(name: string, parts: PlanPart[], now = new Date()): Plan {
    const cleanName = validName(name);
    const parsed = planPartsSchema.safeParse(parts);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `parts.${issue.path.join('.')}: ` : '';
      throw new FaultlineError('bad_request', `Invalid plan: ${where}${issue?.message ?? 'bad parts'}`);
    }
    const plan: Plan = { id: `plan-${crypto.randomUUID()}`, name: cleanName, parts: parsed.data, createdAt: now.toISOString() };
    // Checked and written in one transaction so two creates cannot both pass the checks.
    this.db.transaction(() => {
      const count = (this.db.prepare('SELECT COUNT(*) AS n FROM plans').get() as { n: number }).n;
      if (count >= MAX_PLANS) {
        throw new FaultlineError('conflict', `There are already ${MAX_PLANS} saved plans; delete ones no longer used before saving another`);
      }
      const key = foldName(cleanName);
      const names = this.db.prepare('SELECT name FROM plans').pluck().all() as string[];
      const taken = names.find((n) => foldName(n) === key);
      if (taken !== undefined) {
        throw new FaultlineError('conflict', `A plan named "${taken}" already exists; choose another name or delete that plan first`);
      }
      this.db
        .prepare('INSERT INTO plans (id, name, parts, created_at) VALUES (?, ?, ?, ?)')
        .run(plan.id, plan.name, JSON.stringify(plan.parts), plan.createdAt);
    })();
    return plan;
  }

  delete(id: string): void {
    const info = this.db.prepare('DELETE FROM plans WHERE id = ?').run(id);
    if (info.changes === 0) throw new FaultlineError('not_found', `No saved plan "${id}"; GET /api/plans lists them`);
  }
}

/** Trimmed; 1..100 characters, none of them control characters (names go into CSV and chat messages). */
function validName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  const length = [...trimmed].length;
  if (length === 0 || length > NAME_MAX) {
    throw new FaultlineError('bad_request', `A plan's name must be 1 to ${NAME_MAX} characters (it has ${length})`);
  }
  if (/\p{Cc}/u.test(trimmed)) throw new FaultlineError('bad_request', "A plan's name must be one line without control characters");
  return trimmed;
}

function foldName(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

function toPlan(row: PlanRow): Plan {
  return { id: row.id, name: row.name, parts: JSON.parse(row.parts) as PlanPart[], createdAt: row.created_at };
}
