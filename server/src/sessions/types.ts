import type { CheckResult } from '../checks/index.js';
import type { Author, AvailableEscalation, CheckVisibility, InviteWindow, Mode, PlanPart, Role, Score, SessionTimes, State } from '../contract/index.js';

export type { Author, EventType, Mode, Note, Role, Score, SessionEvent, State } from '../contract/index.js';

/** States the server holds in memory: the session is not over. */
export const LIVE_STATES: ReadonlySet<State> = new Set(['scheduled', 'starting', 'ready', 'solved']);
/** States that hold (or are getting) an environment: these count toward the lab's capacity. */
export const ACTIVE_STATES: ReadonlySet<State> = new Set(['starting', 'ready', 'solved']);
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

/** A part of the plan the interviewer moved on from, kept as it ended for the report. */
export interface FinishedPart {
  index: number;
  scenarioId: string;
  timeLimitMinutes: number;
  readyAt?: string | undefined;
  endedAt: string;
  firstSolvedAt?: string | undefined;
  checks: TimedCheckResult[];
  hintsRevealed: number;
  escalations: AppliedEscalation[];
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
  interviewerName?: string | undefined;
  /** Who created it (a signed-in user, or the credential used), when known. */
  createdBy?: Author | undefined;
  /** A booked interview: its link opens the lobby in this window; nothing runs until Start. */
  window?: InviteWindow | undefined;
  revokedAt?: string | undefined;
  /** What the candidate sees of the checks (records from before it existed: by mode). */
  checkVisibility?: CheckVisibility | undefined;
  /** The parts in order (absent: one part, scenarioId), the current one, and those finished. */
  plan?: PlanPart[] | undefined;
  partIndex?: number | undefined;
  parts?: FinishedPart[] | undefined;
  /** When the current part's environment was first ready: its clock starts there. */
  partReadyAt?: string | undefined;
  extendedMinutes?: number | undefined;
  /** When the candidate first opened the lobby of a scheduled interview. */
  lobbyAt?: string | undefined;
  /** Whether the candidate has a socket open, since when (kept across their reconnects). */
  candidatePresence?: { connected: boolean; since: string } | undefined;
  /** Tokens derived from the server's link key (tokens.ts): the dashboard can give the links again. */
  linkKeyed?: boolean | undefined;
}

/** The visibility a record asks for: interviews show symptoms, practice everything, unless chosen. */
export function visibilityOf(record: Pick<SessionRecord, 'checkVisibility' | 'mode'>): CheckVisibility {
  return record.checkVisibility ?? (record.mode === 'interview' ? 'symptom' : 'full');
}

/** The plan of a record: its parts in order (one, for a single-scenario session). */
export function planOf(record: Pick<SessionRecord, 'plan' | 'scenarioId' | 'timeLimitMinutes'>): PlanPart[] {
  return record.plan ?? [{ scenarioId: record.scenarioId, timeLimitMinutes: record.timeLimitMinutes }];
}
