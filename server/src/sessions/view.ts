import type { CheckView, SessionView } from '../contract/index.js';
import type { Scenario } from '../scenarios/loader.js';
import { solutionFor } from './solution.js';
import type { Note, Role, SessionEvent, SessionRecord, TimedCheckResult } from './types.js';

export interface ViewInput {
  record: SessionRecord;
  scenario: Scenario;
  role: Role;
  notes: () => Note[];
  events: () => SessionEvent[];
}

/**
 * The session as one role may see it. A candidate gets only what their page shows: never the
 * scenario id, check titles or messages, escalation titles, unrevealed hints, notes, score or the
 * timeline, and the solution only as solution.ts allows. Text rendered for the drawn variant
 * (hints, escalations, the solution) is left out until the environment was first ready: the
 * scenario's templates would show their placeholders.
 */
export function sessionView({ record, scenario, role, notes, events }: ViewInput): SessionView {
  const { spec } = scenario;
  const { content } = record;
  const hints = content?.hints ?? [];
  const candidate = role === 'candidate';
  const view: SessionView = {
    id: record.id,
    scenario: {
      ...(candidate ? {} : { id: spec.id }),
      title: spec.title,
      category: spec.category,
      difficulty: spec.difficulty,
      timeLimitMinutes: spec.timeLimitMinutes,
    },
    mode: record.mode,
    role,
    state: record.state,
    phase: record.phase,
    queueAhead: record.state === 'starting' && record.phase === 'queued' ? record.queueAhead : undefined,
    error: record.error,
    notice: record.notice,
    brief: content?.brief ?? '',
    checks: checksForRole(record.checks, role),
    hints: {
      revealed: hints.slice(0, record.hintsRevealed).map((text, index) => ({ index, text })),
      total: spec.hints.length,
    },
    escalations: candidate ? record.escalations.map(({ notice, appliedAt }) => ({ notice, appliedAt })) : record.escalations,
    createdAt: record.createdAt,
    readyAt: record.readyAt,
    solvedAt: record.solvedAt,
    firstSolvedAt: record.firstSolvedAt,
    endedAt: record.endedAt,
    expiresAt: record.expiresAt,
    timeWarning: record.timeWarning,
    terminal: record.terminal,
    candidateName: record.candidateName,
  };
  const solution = solutionFor(record, role);
  const withSolution = solution === undefined ? view : { ...view, solution };
  if (role === 'interviewer') {
    return {
      ...withSolution,
      ...(content ? { allHints: content.hints, availableEscalations: content.escalations } : {}),
      notes: notes(),
      score: record.score,
      events: events(),
      seed: record.seed,
    };
  }
  return withSolution;
}

/** The checks as a role may see them: candidates get symptoms only, watchers everything. */
export function checksForRole(checks: TimedCheckResult[], role: Role): CheckView[] {
  if (role !== 'candidate') return checks;
  return checks.map((c, i) => ({ id: `check-${i + 1}`, symptom: c.symptom, passed: c.passed, ...(c.pending ? { pending: true } : {}), at: c.at }));
}

/** What of each event's data a candidate may receive: nothing that names the scenario or the cause. */
const CANDIDATE_EVENT_DATA: Partial<Record<SessionEvent['type'], (data: Record<string, unknown>) => Record<string, unknown>>> = {
  created: () => ({}),
  ready: () => ({}),
  reset: () => ({}),
  solved: (d) => ({ again: d.again }),
  unsolved: (d) => ({ failing: Array.isArray(d.failing) ? d.failing.length : 0 }),
  check_changed: (d) => ({ symptom: d.symptom, passed: d.passed }),
  escalation: (d) => ({ notice: d.notice }),
  hint: (d) => ({ index: d.index, text: d.text }),
  warning: (d) => ({ minutesLeft: d.minutesLeft }),
  gave_up: () => ({}),
  expired: () => ({}),
  ended: () => ({}),
  failed: (d) => ({ message: d.message }),
};

/** Timeline entries a role may receive live; note text stays with the interviewer. */
export function eventForRole(event: SessionEvent, role: Role): SessionEvent | undefined {
  if (role === 'interviewer') return event;
  if (event.type === 'note') return role === 'viewer' ? { ...event, data: { id: event.data.id } } : undefined;
  if (role === 'viewer') return event;
  const data = CANDIDATE_EVENT_DATA[event.type];
  return data ? { ...event, data: data(event.data) } : undefined;
}
