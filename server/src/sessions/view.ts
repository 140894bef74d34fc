import type { CheckView, CheckVisibility, InviteStatus, PartView, SessionView, State } from '../contract/index.js';
import type { Scenario } from '../scenarios/loader.js';
import { solutionFor } from './solution.js';
import { planOf, visibilityOf, type FinishedPart, type Note, type Role, type SessionEvent, type SessionRecord, type TimedCheckResult } from './types.js';

export interface ViewInput {
  record: SessionRecord;
  scenario: (scenarioId: string) => Scenario;
  role: Role;
  invite?: InviteStatus | undefined;
  notes: () => Note[];
  events: () => SessionEvent[];
  /** What an interview's candidate is told before the terminal opens. */
  privacyNotice: string;
}

/**
 * The session as one role may see it. A candidate gets only what their page shows: never the
 * scenario id, check titles or messages, escalation titles, unrevealed hints, notes, score or the
 * timeline, and the solution only as solution.ts allows. Text rendered for the drawn variant
 * (hints, escalations, the solution) is left out until the environment was first ready: the
 * scenario's templates would show their placeholders.
 */
export function sessionView({ record, scenario, role, invite, notes, events, privacyNotice }: ViewInput): SessionView {
  const { spec } = scenario(record.scenarioId);
  const { content } = record;
  const hints = content?.hints ?? [];
  const candidate = role === 'candidate';
  const visibility = visibilityOf(record);
  // With hidden checks a candidate is never told the fault is fixed.
  const blind = candidate && visibility === 'hidden';
  const plan = planOf(record);
  const partIndex = record.partIndex ?? 0;
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
    state: blind ? candidateState(record.state) : record.state,
    phase: record.phase,
    queueAhead: record.state === 'starting' && record.phase === 'queued' ? record.queueAhead : undefined,
    error: record.error,
    notice: record.notice,
    brief: content?.brief ?? '',
    checks: checksForRole(record.checks, role, visibility),
    hints: {
      revealed: hints.slice(0, record.hintsRevealed).map((text, index) => ({ index, text })),
      total: spec.hints.length,
    },
    escalations: candidate ? record.escalations.map(({ notice, appliedAt }) => ({ notice, appliedAt })) : record.escalations,
    createdAt: record.createdAt,
    readyAt: record.readyAt,
    solvedAt: blind ? undefined : record.solvedAt,
    firstSolvedAt: blind ? undefined : record.firstSolvedAt,
    endedAt: record.endedAt,
    expiresAt: record.expiresAt,
    timeWarning: record.timeWarning,
    terminal: record.terminal,
    candidateName: record.candidateName,
    interviewerName: record.interviewerName,
    window: record.window,
    invite,
    checkVisibility: visibility,
    part: { index: partIndex, total: plan.length },
    extendedMinutes: record.extendedMinutes,
  };
  if (!candidate) {
    const next = plan[partIndex + 1];
    view.parts = partsOf(record, scenario);
    view.nextPart = next ? { index: partIndex + 1, title: scenario(next.scenarioId).spec.title } : undefined;
    view.presence = { candidate: record.candidatePresence ?? { connected: false } };
    view.createdBy = record.createdBy;
  } else if (record.mode === 'interview') {
    view.privacyNotice = privacyNotice;
  }
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

/** A candidate who may not see the checks sees a solved session as still running. */
export function candidateState(state: State): State {
  return state === 'solved' ? 'ready' : state;
}

/**
 * The checks as a role may see them: watchers everything; a candidate, as the interview's
 * visibility says, nothing, the symptoms, or titles and messages too (never the check ids).
 */
export function checksForRole(checks: TimedCheckResult[], role: Role, visibility: CheckVisibility): CheckView[] {
  if (role !== 'candidate') return checks;
  if (visibility === 'hidden') return [];
  return checks.map((c, i) => ({
    id: `check-${i + 1}`,
    symptom: c.symptom,
    passed: c.passed,
    ...(c.pending ? { pending: true } : {}),
    at: c.at,
    ...(visibility === 'full' ? { title: c.title, message: c.message } : {}),
  }));
}

/** Every part of the plan for the report: the finished ones as they ended, then the current one. */
function partsOf(record: SessionRecord, scenario: ViewInput['scenario']): PartView[] {
  const current: FinishedPart = {
    index: record.partIndex ?? 0,
    scenarioId: record.scenarioId,
    timeLimitMinutes: record.timeLimitMinutes,
    readyAt: record.partReadyAt ?? ((record.partIndex ?? 0) === 0 ? record.readyAt : undefined),
    endedAt: record.endedAt ?? '',
    firstSolvedAt: record.firstSolvedAt,
    checks: record.checks,
    hintsRevealed: record.hintsRevealed,
    escalations: record.escalations,
  };
  return [...(record.parts ?? []), current].map((p) => {
    const { spec } = scenario(p.scenarioId);
    return {
      index: p.index,
      scenario: { id: spec.id, title: spec.title, category: spec.category, difficulty: spec.difficulty },
      timeLimitMinutes: p.timeLimitMinutes,
      readyAt: p.readyAt,
      endedAt: p.endedAt || undefined,
      firstSolvedAt: p.firstSolvedAt,
      checks: p.checks,
      hintsRevealed: p.hintsRevealed,
      escalations: p.escalations,
    };
  });
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
  started: () => ({}),
  extended: (d) => ({ minutes: d.minutes }),
  part: (d) => ({ index: d.index, total: d.total }),
  revoked: () => ({}),
  visibility: (d) => ({ checkVisibility: d.checkVisibility }),
};

/** What a candidate who may not see the checks is not told either. */
const VERDICT_EVENTS: ReadonlySet<SessionEvent['type']> = new Set(['solved', 'unsolved', 'check_changed']);

/** Timeline entries a role may receive live; note text stays with the interviewer. */
export function eventForRole(event: SessionEvent, role: Role, visibility: CheckVisibility): SessionEvent | undefined {
  if (role === 'interviewer') return event;
  if (event.type === 'note') return role === 'viewer' ? { ...event, data: { id: event.data.id } } : undefined;
  if (role === 'viewer') return event;
  if (visibility === 'hidden' && VERDICT_EVENTS.has(event.type)) return undefined;
  const data = CANDIDATE_EVENT_DATA[event.type];
  return data ? { ...event, data: data(event.data) } : undefined;
}
