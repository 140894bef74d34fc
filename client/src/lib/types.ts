// Shapes from docs/api.md (v1). Kept by hand: the client ships no server code.

export type Mode = 'practice' | 'interview';
export type Role = 'candidate' | 'interviewer' | 'viewer';
export type State = 'starting' | 'ready' | 'solved' | 'expired' | 'ended' | 'failed';

export interface ScenarioSummary {
  id: string;
  title: string;
  category: string;
  difficulty: string;
  timeLimitMinutes: number;
  summary: string;
  hintCount: number;
  escalationCount: number;
  /** Only with the interviewer key: tags and escalation titles name causes. */
  tags?: string[];
  escalations?: Array<{ id: string; title: string; description: string }>;
}

/**
 * A check. Everyone gets the symptom (what a user would notice); watchers also get the
 * interviewer's title and the check's message. A candidate's ids are positions (check-1...).
 */
export interface CheckResult {
  id: string;
  symptom: string;
  passed: boolean;
  /** Added by an escalation and not run yet. */
  pending?: boolean;
  at: string;
  title?: string;
  message?: string;
  durationMs?: number;
  /** Watchers only: the check runs where the candidate could forge it, so it never counts toward solved. */
  advisory?: boolean;
}

export interface SessionEvent {
  id: number;
  at: string;
  type: string;
  data: Record<string, unknown>;
}

export interface Note {
  id: number;
  at: string;
  text: string;
}

export interface Competencies {
  method: number;
  networking: number;
  communication: number;
}

export interface Score {
  outcome: 'pass' | 'partial' | 'fail';
  competencies: Competencies;
  summary?: string;
  at?: string;
}

export interface Session {
  id: string;
  /** No id for candidates: it names the fault. */
  scenario: { id?: string; title: string; category: string; difficulty: string; timeLimitMinutes: number };
  mode: Mode;
  role: Role;
  state: State;
  phase?: string;
  /** While queued: starts ahead of this one. */
  queueAhead?: number;
  /** The last thing that happened to the environment by itself (a host restarted, the engine went away). */
  notice?: string;
  error?: string;
  brief: string;
  checks: CheckResult[];
  hints: { revealed: Array<{ index: number; text: string }>; total: number };
  /** Candidates get the notice only; watchers the id and title too. */
  escalations: Array<{ id?: string; title?: string; notice: string; appliedAt: string }>;
  createdAt: string;
  readyAt?: string;
  /** Since when every current check passes; unset while one fails. */
  solvedAt?: string;
  /** The first time every check passed; kept through escalations and resets. */
  firstSolvedAt?: string;
  endedAt?: string;
  /** Before the environment is first ready the clock has not started: creation plus the limit. */
  expiresAt: string;
  /** Set once the time-limit warning was given. */
  timeWarning?: { at: string; minutesLeft: number };
  terminal: { cols: number; rows: number };
  candidateName?: string;
  /** Interviewer while live; a practice candidate after a give-up, a solve or the time limit. */
  solution?: string;
  /** Interviewer, once the environment was first ready (the text names the drawn variant). */
  allHints?: string[];
  availableEscalations?: Array<{ id: string; title: string; description: string; notice: string }>;
  notes?: Note[];
  score?: Score;
  events?: SessionEvent[];
  seed?: string;
}

export interface CreatedSession {
  session: Session;
  links: { candidate: string; interviewer?: string; viewer?: string };
  tokens: { candidate: string; interviewer?: string; viewer?: string };
}

/** Text frames the server sends on the terminal socket. */
export type ServerMessage =
  | { type: 'hello'; role: Role; session: Session }
  | { type: 'snapshot'; data: string; cols: number; rows: number }
  | { type: 'status'; state: State; phase?: string; message?: string; queueAhead?: number }
  | { type: 'checks'; checks: CheckResult[]; solved: boolean }
  | { type: 'event'; event: SessionEvent }
  | { type: 'resize'; cols: number; rows: number }
  /** Candidates: whether this tab drives the shell (another tab of the same link may). */
  | { type: 'tab'; active: boolean }
  | { type: 'error'; code: string; message: string };

export const LIVE_STATES: ReadonlySet<State> = new Set(['starting', 'ready', 'solved']);
