import type { CheckResult } from '../checks/index.js';
import type { RenderedCheck } from '../scenarios/render.js';
import type { TimedCheckResult } from './types.js';

/** What a check round means for the session: the checks to keep and which of them changed. */
export interface RoundVerdict {
  checks: TimedCheckResult[];
  /** Checks whose state flipped, and checks an escalation added that got their first result. */
  changed: TimedCheckResult[];
  /** Every check that counts now (advisory ones never do) has a result, and all of them pass. */
  allPass: boolean;
}

/**
 * Fold a round's results into the session's checks. The checks that count are the environment's
 * active ones at the time the round ends: a round that started before an escalation lacks the
 * escalation's checks, which then keep their earlier (pending) entry, so it cannot mark the session
 * solved.
 */
export function applyRound(previous: TimedCheckResult[], active: RenderedCheck[], results: CheckResult[], at: string): RoundVerdict {
  const fresh = new Map(results.map((r) => [r.id, r]));
  const before = new Map(previous.map((c) => [c.id, c]));
  const checks: TimedCheckResult[] = [];
  const changed: TimedCheckResult[] = [];
  for (const check of active) {
    const result = fresh.get(check.id);
    const was = before.get(check.id);
    if (!result) {
      checks.push(was ?? pendingCheck(check, at));
      continue;
    }
    const timed: TimedCheckResult = { ...result, at };
    checks.push(timed);
    if (was && (was.pending || was.passed !== timed.passed)) changed.push(timed);
  }
  const counted = checks.filter((c) => !c.advisory);
  return { checks, changed, allPass: counted.length > 0 && counted.every((c) => c.passed && !c.pending) };
}

/** A check that counts from now on but has not run yet (it was just added by an escalation). */
export function pendingCheck(check: RenderedCheck, at: string): TimedCheckResult {
  return { id: check.id, title: check.title, symptom: check.symptom, advisory: check.advisory, passed: false, pending: true, message: 'not checked yet', durationMs: 0, at };
}
