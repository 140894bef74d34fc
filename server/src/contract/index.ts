/**
 * The REST and WebSocket contract of docs/api.md (v1): every shape the server sends or accepts.
 * The server builds its answers with these types and the client imports them (type-only, so no
 * server code reaches the browser bundle). Nothing here imports anything: it is the bottom layer.
 */

export type Mode = 'interview' | 'practice';
export type Role = 'candidate' | 'interviewer' | 'viewer';
/** `scheduled`: an invite whose environment has not been started (no container runs, no clock). */
export type State = 'scheduled' | 'starting' | 'ready' | 'solved' | 'expired' | 'ended' | 'failed';

/** What a candidate sees of the checks: nothing, the symptom each check watches, or everything. */
export type CheckVisibility = 'hidden' | 'symptom' | 'full';

/** When an invite's link works, and the time zone it was booked in (an IANA name). */
export interface InviteWindow {
  opensAt: string;
  closesAt: string;
  timeZone: string;
}

/**
 * Where a scheduled interview's candidate link stands: before its window, in it, after it, or
 * withdrawn. Only `open` gets the lobby; the others get a page that says so.
 */
export type InviteStatus = 'early' | 'open' | 'closed' | 'revoked';

/** One part of an interview plan: a scenario, and its time limit if not the scenario's own. */
export interface PlanPart {
  scenarioId: string;
  timeLimitMinutes?: number | undefined;
}

/** A saved interview plan the team reuses (GET/POST /api/plans). */
export interface Plan {
  id: string;
  name: string;
  parts: PlanPart[];
  createdAt: string;
}

/** A finished part of a multi-part interview, as the report shows it (watchers only). */
export interface PartView {
  index: number;
  scenario: { id: string; title: string; category: string; difficulty: string };
  timeLimitMinutes: number;
  readyAt?: string | undefined;
  endedAt?: string | undefined;
  firstSolvedAt?: string | undefined;
  checks: CheckView[];
  hintsRevealed: number;
  escalations: EscalationView[];
}

export type EventType =
  | 'created'
  | 'ready'
  | 'joined'
  | 'left'
  | 'checks'
  | 'check_changed'
  | 'hint'
  | 'note'
  | 'escalation'
  | 'reset'
  | 'solved'
  | 'unsolved'
  | 'warning'
  | 'gave_up'
  | 'expired'
  | 'ended'
  | 'failed'
  | 'host_stopped'
  | 'host_restarted'
  | 'host_restart_refused'
  | 'host_restart_failed'
  | 'engine_down'
  | 'engine_back'
  | 'events_capped'
  /** Hiring flow: an invite was booked, its candidate arrived in the lobby, the interviewer started it. */
  | 'scheduled'
  | 'lobby'
  | 'started'
  | 'revoked'
  | 'extended'
  /** What the candidate sees of the checks changed (data: checkVisibility). */
  | 'visibility'
  /** The interviewer moved on to the next part of the plan (data: index, title). */
  | 'part'
  /** The candidate read the privacy notice and went on to the terminal (POST /api/sessions/:id/notice). */
  | 'notice'
  /** The interviewer saved the score (data: outcome). */
  | 'score';

/** One entry of the session's timeline; what of `data` a role receives is decided per type. */
export interface SessionEvent {
  id: number;
  at: string;
  type: EventType;
  data: Record<string, unknown>;
}

/**
 * A check. Everyone gets the symptom (what a user would notice); watchers also get the
 * interviewer's title and the check's message. A candidate's ids are positions (check-1...).
 */
export interface CheckView {
  id: string;
  symptom: string;
  passed: boolean;
  /** Added by an escalation and not run yet: counts as not passing. */
  pending?: boolean | undefined;
  at: string;
  title?: string;
  message?: string;
  durationMs?: number;
  /** Watchers only: the check runs where the candidate could forge it, so it never counts toward solved. */
  advisory?: boolean;
}

/** An applied escalation: candidates get the notice only, watchers the id and title too. */
export interface EscalationView {
  id?: string;
  title?: string;
  notice: string;
  appliedAt: string;
}

/**
 * Who did something: a signed-in user (id and name), or, without one, the credential used
 * ("interviewer link", "interviewer key").
 */
export interface Author {
  userId?: string | undefined;
  name: string;
}

export interface Note {
  id: number;
  at: string;
  text: string;
  author?: Author | undefined;
}

export interface Competencies {
  method: number;
  networking: number;
  communication: number;
}

export interface Score {
  outcome: 'pass' | 'partial' | 'fail';
  competencies: Competencies;
  summary?: string | undefined;
  at: string;
  author?: Author | undefined;
}

/** What PUT /score accepts: the server stamps the time. */
export type ScoreInput = Omit<Score, 'at'>;

/** An escalation the interviewer may inject (text rendered for the drawn variant). */
export interface AvailableEscalation {
  id: string;
  title: string;
  description: string;
  notice: string;
}

/** When things happened to a session: kept in its record, and sent as they are. */
export interface SessionTimes {
  createdAt: string;
  readyAt?: string | undefined;
  /** Since when every current check passes; unset while one fails. */
  solvedAt?: string | undefined;
  /** The first time every check passed; kept through escalations and resets. */
  firstSolvedAt?: string | undefined;
  endedAt?: string | undefined;
  /** Before the environment is first ready the clock has not started: creation plus the limit. */
  expiresAt: string;
  /** Set once the time-limit warning was given ("5 minutes left"). */
  timeWarning?: { at: string; minutesLeft: number } | undefined;
}

/** The session as one role may see it (sessions/view.ts decides what each role gets). */
export interface SessionView extends SessionTimes {
  id: string;
  /** The id is left out for candidates: it names the fault (dns-stale-record). */
  scenario: { id?: string; title: string; category: string; difficulty: string; timeLimitMinutes: number };
  mode: Mode;
  role: Role;
  state: State;
  phase?: string | undefined;
  /** While queued: starts ahead of this one ("starting, 12 ahead of you"). */
  queueAhead?: number | undefined;
  error?: string | undefined;
  /** The last thing that happened to the environment by itself (a host restarted, the engine went away). */
  notice?: string | undefined;
  brief: string;
  checks: CheckView[];
  hints: { revealed: Array<{ index: number; text: string }>; total: number };
  escalations: EscalationView[];
  terminal: { cols: number; rows: number };
  candidateName?: string | undefined;
  interviewerName?: string | undefined;
  /** Watchers: who created the interview. */
  createdBy?: Author | undefined;
  /** Candidates of an interview: what is recorded, who sees it and how long it is kept (shown before the terminal). */
  privacyNotice?: string | undefined;
  /** Scheduled interviews: the booked window, and where the link stands against it. */
  window?: InviteWindow | undefined;
  invite?: InviteStatus | undefined;
  /** What the candidate sees of the checks; with `hidden` a candidate gets no checks and never `solved`. */
  checkVisibility: CheckVisibility;
  /** The part running now (0-based) and how many the plan has; candidates get this too. */
  part: { index: number; total: number };
  /** Watchers: the parts reached so far (finished ones with their result, then the current one), and the next one's title. */
  parts?: PartView[];
  nextPart?: { index: number; title: string } | undefined;
  /** Watchers: whether the candidate has a socket open, and since when (or since when not). */
  presence?: { candidate: { connected: boolean; since?: string | undefined } };
  /** Minutes the interviewer added to the time limit of the current part. */
  extendedMinutes?: number | undefined;
  /** Interviewer while live; a practice candidate after a give-up, a solve or the time limit. */
  solution?: string;
  /** Interviewer, once the environment was first ready (the text names the drawn variant). */
  allHints?: string[];
  availableEscalations?: AvailableEscalation[];
  notes?: Note[];
  score?: Score | undefined;
  events?: SessionEvent[];
  seed?: string | undefined;
}

/** A card of the catalogue (GET /api/scenarios). */
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

/** POST /api/sessions: one scenario, or a plan of parts (a saved plan by id, or parts in order). */
export interface CreateSessionInput {
  mode: Mode;
  scenarioId?: string | undefined;
  parts?: PlanPart[] | undefined;
  planId?: string | undefined;
  seed?: string | undefined;
  candidateName?: string | undefined;
  interviewerName?: string | undefined;
  /** Interviews only: book it for later. Nothing runs until the interviewer presses Start. */
  window?: InviteWindow | undefined;
  checkVisibility?: CheckVisibility | undefined;
}

/** Where an interview is in the hiring flow, as the dashboard lists it. */
export type InterviewStatus = 'scheduled' | 'waiting' | 'live' | 'finished' | 'expired' | 'failed' | 'revoked';

/** One row of the dashboard (GET /api/interviews, and its CSV and JSON exports). */
export interface InterviewRow {
  id: string;
  status: InterviewStatus;
  state: State;
  candidateName?: string | undefined;
  interviewerName?: string | undefined;
  scenarios: string[];
  window?: InviteWindow | undefined;
  createdAt: string;
  startedAt?: string | undefined;
  endedAt?: string | undefined;
  /** From the first environment ready to the end (or now while live). */
  durationMinutes?: number | undefined;
  solved: boolean;
  firstSolvedAt?: string | undefined;
  outcome?: Score['outcome'] | undefined;
  /** The candidate connected now, and since when. */
  candidateConnected: boolean;
  links: { candidate: string; interviewer: string; viewer: string; report: string; replay: string };
}

/** GET /api/interviews: the rows matching `q` (candidate, interviewer, scenario) and `status`. */
export interface InterviewList {
  interviews: InterviewRow[];
}

/** POST /api/sessions answers with the session as its creator sees it, and every role's link. */
export interface CreatedSession {
  session: SessionView;
  links: Partial<Record<Role, string>> & { candidate: string };
  tokens: Partial<Record<Role, string>> & { candidate: string };
}

/** A status change pushed on the terminal socket (and used inside the server). */
export interface StatusUpdate {
  state: State;
  phase?: string | undefined;
  message?: string | undefined;
  /** While queued: starts admitted before this one that have not begun. */
  queueAhead?: number | undefined;
}

/**
 * One entry of the command timeline (docs/shell-integration.md): a command as its shell reported
 * it (exit null when the shell did not say), or a note about the reporting itself. What the shell
 * said, which the candidate controls: never evidence.
 */
export type CommandEntry =
  | {
      id: number;
      kind: 'command';
      host: string;
      cwd: string;
      command: string;
      exit: number | null;
      startedAt: string;
      durationMs: number;
      outputTruncated: boolean;
      hasOutput: boolean;
      /** Labels of the scenario's revealing commands it matches (empty for a candidate). */
      revealing: string[];
    }
  | { id: number; kind: 'notice'; at: string; text: string };

/** GET /api/sessions/:id/commands. Fault hosts and revealing labels are left out for a candidate. */
export interface CommandsView {
  /** Always "as the shell reported it": what to label the timeline with. */
  source: 'as the shell reported it';
  commands: CommandEntry[];
  faultHosts?: string[];
  revealing?: string[];
}

/** Text frames the server sends on the terminal socket; output is sent as binary frames. */
export type ServerMessage =
  | { type: 'hello'; role: Role; session: SessionView }
  | { type: 'snapshot'; data: string; cols: number; rows: number }
  | ({ type: 'status' } & StatusUpdate)
  | { type: 'checks'; checks: CheckView[]; solved: boolean }
  | { type: 'event'; event: SessionEvent }
  /** The command timeline, live: each command as it ends, each notice (watchers; a practice candidate). */
  | { type: 'command'; command: CommandEntry }
  | { type: 'resize'; cols: number; rows: number }
  /** Candidates: whether this tab drives the shell (another tab of the same link may). */
  | { type: 'tab'; active: boolean }
  /** The answer to a ping: the lobby's connection check measures the round trip. */
  | { type: 'pong'; id: number }
  | { type: 'error'; code: string; message: string };

/** Text frames a client sends on the terminal socket; keystrokes go as binary frames. */
export type ClientMessage =
  | { type: 'resize'; cols: number; rows: number }
  /** Output bytes the browser has rendered: the server paces the shell by them. */
  | { type: 'ack'; bytes: number }
  /** This tab takes over driving the shell from another tab of the same candidate link. */
  | { type: 'claim' }
  /** The lobby's connection check: answered at once with a pong of the same id. */
  | { type: 'ping'; id: number };

/** Staff who sign in. Admins also manage users, read the audit log and export or erase candidate data. */
export type AccountRole = 'admin' | 'interviewer';
/** Where an account signs in: a password kept here, or the organisation's OpenID Connect provider. */
export type AccountSource = 'local' | 'oidc';

export interface Account {
  id: string;
  email: string;
  name: string;
  role: AccountRole;
  source: AccountSource;
  disabled: boolean;
  createdAt: string;
  lastSignInAt?: string | undefined;
}

/** GET /api/auth/options (anyone): how this server lets staff sign in. */
export interface SignInOptions {
  local: boolean;
  /** Set when single sign-on is configured: the button's label. GET /auth/oidc/login starts it. */
  oidc?: { name: string } | undefined;
}

/**
 * GET /api/me and POST /api/auth/login: the signed-in user, and the token every change made with
 * the cookie must echo in the X-Faultline-CSRF header.
 */
export interface Me {
  user: Account;
  csrfToken: string;
  /** When the sign-in ends whatever happens (absolute timeout). */
  expiresAt: string;
}

/** POST /api/auth/login. */
export interface SignInInput {
  email: string;
  password: string;
}

/** POST /api/users (admin). Without a password one is generated and returned once. */
export interface NewAccountInput {
  email: string;
  name: string;
  role: AccountRole;
  password?: string | undefined;
}

/** PATCH /api/users/:id (admin). */
export interface AccountChange {
  name?: string | undefined;
  role?: AccountRole | undefined;
  disabled?: boolean | undefined;
}

/** POST /api/users and POST /api/users/:id/password answer with the password once when they generated it. */
export interface AccountWithPassword {
  user: Account;
  password?: string | undefined;
}

/** A personal API token (GET /api/tokens); the secret is shown once, at creation. */
export interface ApiTokenView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt?: string | undefined;
  revokedAt?: string | undefined;
}

export interface CreatedApiToken {
  token: ApiTokenView;
  /** Send as Authorization: Bearer; only its hash is kept. */
  secret: string;
}

export type AuditAction =
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_out'
  | 'user_added'
  | 'user_changed'
  | 'password_reset'
  | 'token_created'
  | 'token_revoked'
  | 'settings'
  | 'data_purged'
  | 'candidate_exported'
  | 'candidate_erased';

/** GET /api/audit (admin): newest first. */
export interface AuditEntry {
  id: number;
  at: string;
  action: AuditAction;
  /** Who did it (a user's name and email, "interviewer key", "system", or the email a failed sign-in tried). */
  actor: string;
  actorId?: string | undefined;
  /** What it was done to (a user, a token, a candidate). */
  target?: string | undefined;
  detail: Record<string, unknown>;
  address?: string | undefined;
}
