import type { Scenario } from '../scenarios/loader.js';
import { LIVE_STATES, type Note, type Role, type SessionContent, type SessionEvent, type SessionRecord, type TimedCheckResult } from './types.js';

export interface SessionView {
  id: string;
  scenario: { id: string; title: string; category: string; difficulty: string; timeLimitMinutes: number };
  mode: SessionRecord['mode'];
  role: Role;
  state: SessionRecord['state'];
  phase?: string | undefined;
  error?: string | undefined;
  brief: string;
  checks: TimedCheckResult[];
  hints: { revealed: Array<{ index: number; text: string }>; total: number };
  escalations: SessionRecord['escalations'];
  createdAt: string;
  readyAt?: string | undefined;
  solvedAt?: string | undefined;
  endedAt?: string | undefined;
  expiresAt: string;
  terminal: { cols: number; rows: number };
  candidateName?: string | undefined;
  solution?: string;
  allHints?: string[];
  availableEscalations?: SessionContent['escalations'];
  notes?: Note[];
  score?: SessionRecord['score'];
  events?: SessionEvent[];
  seed?: string | undefined;
}

export interface ViewInput {
  record: SessionRecord;
  scenario: Scenario;
  role: Role;
  notes: () => Note[];
  events: () => SessionEvent[];
}

/**
 * The session as one role may see it. A candidate never gets the solution (unless a practice
 * candidate gave up), unrevealed hints, notes, score or the timeline. Once the session is over
 * its links only read the record: nobody gets the solution any more.
 */
export function sessionView({ record, scenario, role, notes, events }: ViewInput): SessionView {
  const { spec } = scenario;
  const { content } = record;
  const hints = content?.hints ?? [];
  const view: SessionView = {
    id: record.id,
    scenario: { id: spec.id, title: spec.title, category: spec.category, difficulty: spec.difficulty, timeLimitMinutes: spec.timeLimitMinutes },
    mode: record.mode,
    role,
    state: record.state,
    phase: record.phase,
    error: record.error,
    brief: content?.brief ?? '',
    checks: record.checks,
    hints: {
      revealed: hints.slice(0, record.hintsRevealed).map((text, index) => ({ index, text })),
      total: spec.hints.length,
    },
    escalations: record.escalations,
    createdAt: record.createdAt,
    readyAt: record.readyAt,
    solvedAt: record.solvedAt,
    endedAt: record.endedAt,
    expiresAt: record.expiresAt,
    terminal: record.terminal,
    candidateName: record.candidateName,
  };
  const over = !LIVE_STATES.has(record.state);
  if (role === 'interviewer') {
    return {
      ...view,
      ...(over ? {} : { solution: content?.solution ?? '' }),
      allHints: hints,
      availableEscalations: content?.escalations ?? spec.escalations.map((e) => ({ id: e.id, title: e.title, description: e.description })),
      notes: notes(),
      score: record.score,
      events: events(),
      seed: record.seed,
    };
  }
  if (role === 'candidate' && record.mode === 'practice' && record.gaveUp && !over) return { ...view, solution: content?.solution ?? '' };
  return view;
}

/** Timeline entries a role may receive live; note text stays with the interviewer. */
export function eventForRole(event: SessionEvent, role: Role): SessionEvent | undefined {
  if (role === 'interviewer') return event;
  if (event.type === 'note') return role === 'viewer' ? { ...event, data: { id: event.data.id } } : undefined;
  if (role === 'candidate' && (event.type === 'joined' || event.type === 'left' || event.type === 'checks')) return undefined;
  return event;
}
