import type { CheckResult } from '../checks/index.js';
import type { AvailableEscalation, Mode, Role, Score, SessionTimes, State } from '../contract/index.js';

export type { EventType, Mode, Note, Role, Score, SessionEvent, State } from '../contract/index.js';

export const LIVE_STATES: ReadonlySet<State> = new Set(['starting', 'ready', 'solved']);
/** States in which the environment is up and a shell can be opened. */
export const RUNNING_STATES: ReadonlySet<State> = new Set(['ready', 'solved']);

export interface TimedCheckResult extends CheckResult {
  at: string;
  /** Added by an escalation and not run yet: counts as not passing. */
  pending?: boolean | undefined;
}

/** An escalation applied to a session: the interviewer's title and the candidate's notice. */
export interface AppliedEscalation {
  id: string;
  title: string;
  notice: string;
  appliedAt: string;
}

/** Scenario text made concrete for this session's environment (kept once it is known). */
export interface SessionContent {
  brief: string;
  solution: string;
  hints: string[];
  escalations: AvailableEscalation[];
}

/** Everything the server keeps about a session; persisted as one row. While live, solvedAt is set iff the state is solved. */
export interface SessionRecord extends SessionTimes {
  id: string;
  scenarioId: string;
  mode: Mode;
  state: State;
  phase?: string | undefined;
  /** While the start waits for its turn: starts admitted before it that have not begun. */
  queueAhead?: number | undefined;
  error?: string | undefined;
  /** The last thing that happened to the environment by itself (a host restarted, the engine went away), for everyone to see. */
  notice?: string | undefined;
  /** Known once the environment exists (a warm pooled one draws its own). */
  seed?: string | undefined;
  envId?: string | undefined;
  candidateName?: string | undefined;
  /** sha256 of each role's token; the tokens themselves are never stored. */
  tokenHashes: Partial<Record<Role, string>>;
  warned: boolean;
  timeLimitMinutes: number;
  checks: TimedCheckResult[];
  hintsRevealed: number;
  escalations: AppliedEscalation[];
  gaveUp: boolean;
  score?: Score | undefined;
  terminal: { cols: number; rows: number };
  content?: SessionContent | undefined;
}
