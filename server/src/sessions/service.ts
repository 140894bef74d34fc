import { EventEmitter } from 'node:events';
import type { Config } from '../config/index.js';
import type { SessionView, StatusUpdate } from '../contract/index.js';
import { FaultlineError, errorMessage } from '../errors/index.js';
import type { Lab, LabEnvironment } from '../lab/index.js';
import type { StartTicket } from '../lab/start-queue.js';
import { logger } from '../logging/index.js';
import type { Phase } from '../runtime/environments.js';
import type { Shell } from '../runtime/exec.js';
import type { RenderedScenario } from '../scenarios/render.js';
import type { SessionStore } from './store.js';
import { CheckTimers, type CheckTimersHost } from './check-timers.js';
import { HostWatch, type HostWatchHost } from './host-watch.js';
import { EventBudget, MAX_EVENTS_PER_SESSION } from './event-budget.js';
import { recover, sweepOrphans, type Recovered, type RecoveryHost } from './recovery.js';
import { badToken, notRunning, sessionOver, unknownSession } from './refusals.js';
import { giveUpRefusal } from './solution.js';
import { minutesLeftText, timeLimitStep } from './time-limit.js';
import { hashToken, newSessionId, newToken, tokenMatches } from './tokens.js';
import { applyRound, pendingCheck } from './verdict.js';
import {
  LIVE_STATES,
  RUNNING_STATES,
  type EventType,
  type Mode,
  type Note,
  type Role,
  type Score,
  type SessionContent,
  type SessionEvent,
  type SessionRecord,
  type State,
  type TimedCheckResult,
} from './types.js';
import { sessionView } from './view.js';

/**
 * Why an environment went away; the terminal closes its shell, and its sockets unless it is a
 * reset or a restart of its hosts (host-watch.ts).
 */
export type ClosedReason = 'reset' | 'restart' | 'ended' | 'expired' | 'failed';

interface SessionEvents {
  event: [sessionId: string, event: SessionEvent];
  status: [sessionId: string, status: StatusUpdate];
  checks: [sessionId: string, checks: TimedCheckResult[], solved: boolean];
  /** The environment is up (first start, reset, or re-adopted after a restart): a shell can open. */
  environment: [sessionId: string];
  closed: [sessionId: string, reason: ClosedReason];
}

interface LiveSession {
  record: SessionRecord;
  lab?: LabEnvironment | undefined;
  checkRound?: Promise<TimedCheckResult[]> | undefined;
  /** Counts escalation setups begun and finished: a round that overlaps one saw a half-made change. */
  escalationEpoch: number;
  connections: number;
  /** Aborted when the session ends (or the server closes) while its environment waits for a turn. */
  starting?: AbortController | undefined;
  /** Hosts are down and being brought back (host-watch.ts): no shell, no checks meanwhile. */
  held?: boolean | undefined;
  /** Sockets per role, and a role's pending 'left' event (see PRESENCE_GRACE_MS). */
  present?: Partial<Record<Role, number>>;
  leaving?: Partial<Record<Role, NodeJS.Timeout>>;
  /** Escalations being applied: the same one asked for twice at once is refused. */
  escalating?: Set<string>;
}

export interface CreateInput {
  scenarioId: string;
  mode: Mode;
  seed?: string | undefined;
  candidateName?: string | undefined;
}

/** Every session has a candidate link; interviews have interviewer and viewer links too. */
export type Tokens = Partial<Record<Role, string>> & { candidate: string };

const ALLOWED: Record<State, State[]> = {
  starting: ['ready', 'failed', 'ended', 'expired'],
  ready: ['solved', 'starting', 'ended', 'expired', 'failed'],
  // Solved holds only while every current check passes: a failing check (or an escalation's new one) goes back to ready.
  solved: ['ready', 'starting', 'ended', 'expired', 'failed'],
  expired: [],
  ended: [],
  failed: [],
};

/** Engine liveness: a ping this often; stopped lab containers looked for this often (a missed event). */
const ENGINE_PING_MS = 2000;
const STOPPED_SWEEP_MS = 10_000;
/** Automatic host restarts are counted over this window (FAULTLINE_HOST_RESTARTS). */
const HOST_RESTART_WINDOW_MS = 10 * 60_000;
/** After a host stops, wait this long before acting: an engine shutting down stops every host. */
const HOST_SETTLE_MS = 1000;
/**
 * A role that leaves and comes back within this long was present all along: neither event is
 * recorded, so reconnects (a flaky network, a hostile loop) do not grow the timeline.
 */
const PRESENCE_GRACE_MS = 10_000;
/** Notes one session keeps (each at most 4000 characters, see the API). */
const MAX_NOTES = 200;

/** The terminal starts at this size until the candidate's browser says otherwise. */
const DEFAULT_TERMINAL = { cols: 80, rows: 24 };

/**
 * Owns session state: the record and its state machine, tokens, the timeline, notes, score,
 * live checks and expiry. Environments are brought up and down through the Lab; the terminal
 * gateway and HTTP routes call in here and listen to the events it emits.
 */
export class Sessions extends EventEmitter<SessionEvents> {
  private readonly live = new Map<string, LiveSession>();
  private reaper: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly checkTimers: CheckTimers;
  private readonly eventBudget: EventBudget;
  /** Environments being brought up or removed; settled() waits for them so none is cut off half done. */
  private readonly background = new Set<Promise<void>>();
  private hostWatch: HostWatch | undefined;

  constructor(
    private readonly config: Config,
    readonly lab: Lab,
    private readonly store: SessionStore,
  ) {
    super();
    this.checkTimers = new CheckTimers(this.checkTimersHost(), {
      intervalMs: config.checkIntervalMs,
      roundsPerSecond: config.checkRoundsPerSecond,
      afterCommandMs: config.checkAfterCommandMs,
    });
    this.eventBudget = new EventBudget((id) => store.eventCount(id));
  }

  /** Begin a session: answers at once; the environment comes up in the background. */
  create(input: CreateInput): { record: SessionRecord; tokens: Tokens } {
    const scenario = this.lab.scenario(input.scenarioId);
    const running = [...this.live.values()].filter((s) => LIVE_STATES.has(s.record.state)).length;
    if (running >= this.config.maxSessions) {
      throw new FaultlineError('lab_full', `The lab is full: ${running} sessions are live, the most this server runs at once (FAULTLINE_MAX_SESSIONS). Try again in a few minutes, or end a session you no longer need.`);
    }
    // Admission: a place in the start queue now, or a refusal before anything exists.
    let onPosition: (ahead: number) => void = () => undefined;
    const ticket = this.lab.reserveStart(scenario.spec.id, input.seed, { onPosition: (ahead) => onPosition(ahead) });
    const roles: Role[] = input.mode === 'interview' ? ['candidate', 'interviewer', 'viewer'] : ['candidate'];
    const tokens: Tokens = { candidate: newToken() };
    for (const role of roles) tokens[role] ??= newToken();
    const tokenHashes: SessionRecord['tokenHashes'] = Object.fromEntries(Object.entries(tokens).map(([role, token]) => [role, hashToken(token)]));
    const now = new Date();
    const limit = scenario.spec.timeLimitMinutes;
    const record: SessionRecord = {
      id: newSessionId(),
      scenarioId: scenario.spec.id,
      mode: input.mode,
      state: 'starting',
      phase: 'queued',
      queueAhead: ticket.ahead,
      seed: input.seed,
      candidateName: input.candidateName,
      tokenHashes,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + limit * 60_000).toISOString(),
      warned: false,
      timeLimitMinutes: limit,
      checks: [],
      hintsRevealed: 0,
      escalations: [],
      gaveUp: false,
      terminal: { ...DEFAULT_TERMINAL },
    };
    const live: LiveSession = { record, connections: 0, escalationEpoch: 0 };
    onPosition = (ahead) => this.queued(live, ahead);
    try {
      this.live.set(record.id, live);
      this.store.save(record);
      this.record(record.id, 'created', { scenarioId: record.scenarioId, mode: record.mode, candidateName: record.candidateName ?? null });
    } catch (err) {
      // Not started after all: its place must not keep others out.
      ticket.release();
      this.live.delete(record.id);
      this.eventBudget.forget(record.id);
      throw err;
    }
    this.bringUp(live, input.seed, ticket);
    return { record, tokens };
  }

  get(id: string): SessionRecord {
    const record = this.live.get(id)?.record ?? this.store.get(id);
    if (!record) throw unknownSession(id);
    return record;
  }

  /** The role a token grants on a session; unknown tokens are refused without saying why. */
  authenticate(id: string, token: string | undefined): { record: SessionRecord; role: Role } {
    const record = this.live.get(id)?.record ?? this.store.get(id);
    if (!record) throw unknownSession(id);
    if (token) {
      for (const [role, hash] of Object.entries(record.tokenHashes) as Array<[Role, string]>) {
        if (tokenMatches(token, hash)) return { record, role };
      }
    }
    throw badToken(token);
  }

  view(id: string, role: Role): SessionView {
    const record = this.get(id);
    return sessionView({
      record,
      scenario: this.lab.scenario(record.scenarioId),
      role,
      notes: () => this.store.notes(id),
      events: () => this.store.events(id),
    });
  }

  events(id: string): SessionEvent[] {
    this.get(id);
    return this.store.events(id);
  }

  notes(id: string): Note[] {
    return this.store.notes(id);
  }

  /** Live sessions only: the environment of a session that is ready or solved. */
  environment(id: string): LabEnvironment | undefined {
    const live = this.live.get(id);
    return live && RUNNING_STATES.has(live.record.state) && !live.held ? live.lab : undefined;
  }

  openShell(id: string): Promise<Shell> {
    const lab = this.environment(id);
    if (!lab) throw notRunning();
    const ready = this.lab.takeShell(lab);
    return ready ? Promise.resolve(ready) : this.lab.runtime.openShell(lab.env, this.get(id).terminal);
  }

  setTerminalSize(id: string, cols: number, rows: number): void {
    const live = this.live.get(id);
    // Sockets still closing after the server shut down have nothing left to record.
    if (!live || this.closed) return;
    live.record.terminal = { cols, rows };
    this.store.save(live.record);
  }

  /** A terminal socket joined: recorded, and live checks run while anyone is connected. */
  join(id: string, role: Role): void {
    const live = this.live.get(id);
    if (!live || this.closed) return;
    live.connections += 1;
    const present = (live.present ??= {});
    present[role] = (present[role] ?? 0) + 1;
    const leaving = live.leaving?.[role];
    if (leaving) {
      clearTimeout(leaving);
      delete live.leaving?.[role];
    } else if (present[role] === 1) {
      this.record(id, 'joined', { role });
    }
    this.checkTimers.schedule(live.record.id);
  }

  leave(id: string, role: Role): void {
    const live = this.live.get(id);
    if (!live || this.closed) return;
    live.connections = Math.max(0, live.connections - 1);
    const present = (live.present ??= {});
    present[role] = Math.max(0, (present[role] ?? 0) - 1);
    if (present[role] === 0 && LIVE_STATES.has(live.record.state)) {
      const timer = setTimeout(() => {
        delete live.leaving?.[role];
        if (this.closed || this.live.get(id) !== live || !LIVE_STATES.has(live.record.state)) return;
        this.record(id, 'left', { role });
      }, PRESENCE_GRACE_MS);
      timer.unref();
      (live.leaving ??= {})[role] = timer;
    }
    if (live.connections === 0) this.checkTimers.stop(live.record.id);
  }

  /** Run the checks now; a round already running is shared rather than doubled. */
  runChecks(id: string, reason: 'request' | 'interval' | 'command' | 'ready' | 'escalation' = 'request'): Promise<TimedCheckResult[]> {
    // While hosts are being brought back, scheduled rounds wait; a request is told why it cannot run.
    const held = this.live.get(id);
    if (held?.held && reason !== 'request') return Promise.resolve(held.record.checks);
    const live = this.requireRunning(id);
    if (live.checkRound) return live.checkRound;
    const round = this.checkRound(live, reason).finally(() => {
      live.checkRound = undefined;
    });
    live.checkRound = round;
    return round;
  }

  private async checkRound(live: LiveSession, reason: string): Promise<TimedCheckResult[]> {
    const lab = live.lab;
    if (!lab) throw notRunning();
    const epoch = live.escalationEpoch;
    const results = await this.lab.checks(lab);
    const record = live.record;
    // The environment may have been reset or ended (or the server closed) while the checks ran.
    if (this.closed || live.lab !== lab || !RUNNING_STATES.has(record.state)) return record.checks;
    // An escalation's setup ran meanwhile: what the round saw is the interviewer's change half made, not the candidate's work.
    if (epoch % 2 === 1 || epoch !== live.escalationEpoch) return record.checks;
    const at = new Date().toISOString();
    const verdict = applyRound(record.checks, this.lab.activeChecks(lab), results, at);
    record.checks = verdict.checks;
    this.store.save(record);
    for (const c of verdict.changed) {
      this.record(record.id, 'check_changed', { id: c.id, title: c.title, symptom: c.symptom, passed: c.passed, message: c.message });
    }
    if (reason === 'request') this.record(record.id, 'checks', { passed: verdict.checks.filter((c) => c.passed).length, total: verdict.checks.length });
    this.settleVerdict(record, verdict.allPass, at);
    this.emit('checks', record.id, record.checks, record.state === 'solved');
    return record.checks;
  }

  /** Solved means now: the state follows whether every current check passes; the first solve stays a fact. */
  private settleVerdict(record: SessionRecord, allPass: boolean, at: string, cause: 'checks' | 'escalation' = 'checks'): void {
    if (allPass && record.state === 'ready') {
      this.transition(record, 'solved');
      const again = record.firstSolvedAt !== undefined;
      record.solvedAt = at;
      record.firstSolvedAt ??= at;
      this.store.save(record);
      this.record(record.id, 'solved', { again });
    } else if (!allPass && record.state === 'solved') {
      this.transition(record, 'ready');
      record.solvedAt = undefined;
      this.store.save(record);
      this.record(record.id, 'unsolved', { cause, failing: record.checks.filter((c) => !c.passed || c.pending).map((c) => c.id) });
    } else {
      return;
    }
    this.emit('status', record.id, { state: record.state });
  }

  revealHint(id: string): { index: number; text: string } {
    const live = this.requireRunning(id);
    const hints = live.record.content?.hints ?? [];
    const index = live.record.hintsRevealed;
    const text = hints[index];
    if (text === undefined) throw new FaultlineError('conflict', `All ${hints.length} hints are shown already; there are no more.`);
    live.record.hintsRevealed = index + 1;
    this.store.save(live.record);
    this.record(id, 'hint', { index, text });
    return { index, text };
  }

  /** Notes and the score are the interviewer's own record: they stay writable after the end, when scoring happens. */
  addNote(id: string, text: string): Note {
    const record = this.get(id);
    if (this.store.noteCount(id) >= MAX_NOTES) {
      throw new FaultlineError('conflict', `This session already has ${MAX_NOTES} notes, the most it keeps; put the rest in the score summary`);
    }
    const note = this.store.addNote(record.id, text);
    this.record(id, 'note', { id: note.id, text });
    return note;
  }

  setScore(id: string, score: Omit<Score, 'at'>): Score {
    const record = this.get(id);
    const stored: Score = { ...score, at: new Date().toISOString() };
    record.score = stored;
    this.store.save(record);
    return stored;
  }

  /**
   * Inject an escalation. Its checks count at once (pending until they run), so a solved session
   * stops being solved with the notice, and a round follows so the new checks show their state.
   */
  async escalate(id: string, escalationId: string): Promise<void> {
    const live = this.requireRunning(id);
    const lab = live.lab as LabEnvironment;
    const escalating = (live.escalating ??= new Set());
    if (escalating.has(escalationId)) throw new FaultlineError('conflict', 'This escalation is being injected already; it shows up in a moment.');
    escalating.add(escalationId);
    live.escalationEpoch += 1;
    try {
      await this.lab.escalate(lab, escalationId);
    } finally {
      live.escalationEpoch += 1;
      escalating.delete(escalationId);
    }
    const record = live.record;
    const escalation = lab.rendered.escalations.find((e) => e.id === escalationId);
    const at = new Date().toISOString();
    const title = escalation?.title ?? escalationId;
    const notice = escalation?.notice ?? '';
    record.escalations.push({ id: escalationId, title, notice, appliedAt: at });
    record.checks = [...record.checks, ...(escalation?.checks ?? []).map((c) => pendingCheck(c, at))];
    this.store.save(record);
    this.record(id, 'escalation', { id: escalationId, title, notice });
    this.settleVerdict(record, false, at, 'escalation');
    this.emit('checks', id, record.checks, record.state === 'solved');
    // A round already running began before the escalation: the fresh one follows it.
    const previous = live.checkRound?.then(() => undefined, () => undefined) ?? Promise.resolve();
    previous
      .then(() => (this.live.get(id) === live && live.lab === lab && RUNNING_STATES.has(record.state) ? this.runChecks(id, 'escalation') : undefined))
      .catch((err: unknown) => logger.warn({ sessionId: id, err: errorMessage(err) }, 'checks after an escalation failed'));
  }

  /** Rebuild the environment with the same seed; the terminal gets a new shell when it is up. */
  reset(id: string): void {
    const live = this.requireRunning(id);
    const record = live.record;
    // Admission first: on a full queue the reset is refused and the environment stays as it is.
    const ticket = this.lab.reserveStart(record.scenarioId, record.seed, { onPosition: (ahead) => this.queued(live, ahead) });
    const old = live.lab;
    live.lab = undefined;
    this.transition(record, 'starting');
    record.phase = 'resetting';
    // A reset rebuilds the fault: not solved now, but firstSolvedAt keeps that it was.
    record.solvedAt = undefined;
    record.checks = [];
    record.escalations = [];
    this.store.save(record);
    this.record(id, 'reset', {});
    this.emit('closed', id, 'reset');
    this.emit('status', id, { state: record.state, phase: record.phase });
    const down = old ? this.tracked(this.lab.release(old)) : Promise.resolve();
    down
      .catch((err: unknown) => logger.error({ sessionId: id, err: errorMessage(err) }, 'removing the old environment on reset failed'))
      .finally(() => {
        if (this.live.get(id) !== live || record.state !== 'starting') {
          ticket.release();
          return;
        }
        this.queued(live, ticket.ahead, true);
        this.bringUp(live, record.seed, ticket);
      });
  }

  giveUp(id: string): string {
    const record = this.requireOpen(id);
    const refusal = giveUpRefusal(record);
    if (refusal) throw refusal;
    if (!record.gaveUp) {
      record.gaveUp = true;
      this.store.save(record);
      this.record(id, 'gave_up', {});
    }
    return record.content?.solution ?? '';
  }

  /** End (by request) or expire (time limit) a session and remove its environment. */
  async end(id: string, reason: 'ended' | 'expired' = 'ended'): Promise<SessionRecord> {
    const record = this.get(id);
    if (!LIVE_STATES.has(record.state)) {
      if (reason === 'ended') return record;
      throw new FaultlineError('conflict', `This session is ${record.state} already.`);
    }
    const live = this.live.get(id);
    this.transition(record, reason);
    record.endedAt = new Date().toISOString();
    record.phase = undefined;
    this.store.save(record);
    this.record(id, reason, {});
    this.emit('status', id, { state: record.state, message: reason === 'expired' ? 'the time limit was reached' : 'the session was ended' });
    this.emit('closed', id, reason);
    if (live) this.checkTimers.stop(live.record.id);
    live?.starting?.abort();
    this.live.delete(id);
    this.eventBudget.forget(id);
    const envId = live?.lab?.env.id ?? record.envId;
    if (envId) {
      await this.tracked(live?.lab ? this.lab.release(live.lab) : this.lab.down(envId)).catch((err: unknown) => {
        logger.error({ sessionId: id, envId, err: errorMessage(err) }, 'removing the environment of an ended session failed');
      });
    }
    return record;
  }

  /** After a restart: re-adopt what survived, fail what cannot go on, remove what is left over (recovery.ts). */
  recover(): Promise<Recovered> {
    return recover(this.recoveryHost());
  }

  /** The janitor's sweep for environments left behind (recovery.ts). */
  sweepOrphans(): Promise<string[]> {
    return sweepOrphans(this.recoveryHost());
  }

  /** Bring stopped hosts back by themselves (host-watch.ts); the server starts this after recovery. */
  watchHosts(): void {
    const watch = this.lab.watchEngine({ pingMs: ENGINE_PING_MS, sweepMs: STOPPED_SWEEP_MS });
    this.hostWatch = new HostWatch(this.hostWatchHost(), watch, {
      maxRestarts: this.config.hostRestarts,
      windowMs: HOST_RESTART_WINDOW_MS,
      settleMs: HOST_SETTLE_MS,
    });
    this.hostWatch.start();
  }

  private hostWatchHost(): HostWatchHost {
    return {
      lab: this.lab,
      running: () =>
        [...this.live.values()].flatMap((l) => (l.lab && RUNNING_STATES.has(l.record.state) ? [{ id: l.record.id, lab: l.lab }] : [])),
      hold: (id, type, data, message) => {
        const live = this.live.get(id);
        if (!live || this.closed || !RUNNING_STATES.has(live.record.state)) return;
        const first = !live.held;
        live.held = true;
        live.record.notice = message;
        live.record.phase = 'restarting';
        this.store.save(live.record);
        this.record(id, type, data);
        this.emit('status', id, { state: live.record.state, phase: 'restarting', message });
        if (first) this.emit('closed', id, 'restart');
      },
      release: (id, type, data, notice) => {
        const live = this.live.get(id);
        if (!live || this.closed || !RUNNING_STATES.has(live.record.state)) return;
        live.held = false;
        live.record.notice = notice;
        live.record.phase = undefined;
        this.store.save(live.record);
        this.record(id, type, data);
        this.emit('status', id, { state: live.record.state, message: notice });
        this.emit('environment', id);
      },
    };
  }

  private recoveryHost(): RecoveryHost {
    return {
      lab: this.lab,
      store: this.store,
      adopt: (record, lab) => {
        this.live.set(record.id, { record, lab, connections: 0, escalationEpoch: 0 });
      },
      fail: (record, message) => this.fail({ record, connections: 0, escalationEpoch: 0 }, message),
      holds: (envId) => [...this.live.values()].some((l) => l.lab?.env.id === envId),
      removeEnvironment: (envId) => this.removeEnvironment(envId),
    };
  }

  /** Expire sessions past their time limit; warn shortly before. */
  startReaper(intervalMs = 1000): void {
    this.reaper = setInterval(() => this.tick(), intervalMs);
    this.reaper.unref();
  }

  tick(now = Date.now()): void {
    for (const live of this.live.values()) {
      const record = live.record;
      if (!RUNNING_STATES.has(record.state)) continue;
      const step = timeLimitStep(record, now, this.config.expiryWarningMinutes);
      if (step?.kind === 'expire') {
        this.end(record.id, 'expired').catch((err: unknown) => logger.error({ sessionId: record.id, err: errorMessage(err) }, 'expiring a session failed'));
      } else if (step?.kind === 'warn') {
        record.warned = true;
        record.timeWarning = { at: new Date().toISOString(), minutesLeft: step.minutesLeft };
        this.store.save(record);
        this.record(record.id, 'warning', { minutesLeft: step.minutesLeft });
        this.emit('status', record.id, { state: record.state, message: minutesLeftText(step.minutesLeft) });
      }
    }
  }

  liveCount(): number {
    return this.live.size;
  }

  /** Live sessions by state, for metrics. */
  countByState(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { record } of this.live.values()) counts[record.state] = (counts[record.state] ?? 0) + 1;
    return counts;
  }

  /**
   * Disk watchdog: overlay2 on ext4 has no per-container quota, so a session whose environment
   * wrote more than the limit is failed with a clear message and its environment removed.
   */
  async enforceDiskLimit(): Promise<string[]> {
    const failed: string[] = [];
    for (const { envId, bytes } of await this.lab.runtime.overDiskLimit()) {
      const live = [...this.live.values()].find((l) => l.lab?.env.id === envId);
      if (!live) continue;
      this.fail(
        live,
        `The environment wrote ${Math.round(bytes / 2 ** 20)} MB, more than the ${this.config.limits.diskMb} MB limit (FAULTLINE_ENV_DISK_MB); it was removed`,
      );
      await this.removeEnvironment(envId);
      failed.push(live.record.id);
    }
    return failed;
  }

  close(): void {
    this.closed = true;
    this.hostWatch?.stop();
    if (this.reaper) clearInterval(this.reaper);
    for (const live of this.live.values()) {
      this.checkTimers.stop(live.record.id);
      // Starts still waiting for a turn are dropped; the next start fails those sessions as interrupted.
      live.starting?.abort();
    }
  }

  /**
   * Resolves when no environment is being brought up or removed (including the removal of one
   * that came up for a session ended meanwhile): a shutdown waits for this.
   */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    await this.hostWatch?.settled();
  }

  /** A start waiting for its turn: the session says how many are ahead of it. */
  private queued(live: LiveSession, ahead: number, resetDone = false): void {
    const record = live.record;
    if (record.state !== 'starting' || this.closed) return;
    if (record.phase !== 'queued' && record.phase !== 'resetting') return;
    // While a reset still removes the old environment it says so; its place is shown after.
    if (record.phase === 'resetting' && !resetDone) return;
    record.phase = 'queued';
    record.queueAhead = ahead;
    const message = ahead === 0 ? 'starting, you are next' : `starting, ${ahead} ahead of you`;
    this.emit('status', record.id, { state: record.state, phase: record.phase, message, queueAhead: ahead });
  }

  private bringUp(live: LiveSession, seed: string | undefined, ticket: StartTicket): void {
    const record = live.record;
    const scenario = this.lab.scenario(record.scenarioId);
    const ttlMinutes = Math.max(this.config.envTtlMinutes, scenario.spec.timeLimitMinutes + 10);
    const started = Date.now();
    // A cold start goes through the network phase; an environment from the warm pool does not.
    let source: 'cold' | 'pool' = 'pool';
    const onPhase = (phase: Phase, detail: string) => {
      if (phase === 'network') source = 'cold';
      if (record.state !== 'starting') return;
      record.phase = phase;
      record.queueAhead = undefined;
      this.emit('status', record.id, { state: record.state, phase, message: detail });
    };
    const starting = new AbortController();
    live.starting = starting;
    const bringing = this.lab
      .up(record.scenarioId, { seed, ttlMinutes, owner: this.lab.sessionOwner, onPhase, ticket, signal: starting.signal })
      .then(async (lab) => {
        if (this.live.get(record.id) !== live || record.state !== 'starting') {
          // Ended while the environment was coming up: it is nobody's now.
          await this.removeEnvironment(lab);
          return;
        }
        live.lab = lab;
        const now = new Date();
        record.envId = lab.env.id;
        record.seed = lab.env.seed;
        record.content = contentOf(lab.rendered);
        this.transition(record, 'ready');
        record.phase = undefined;
        record.queueAhead = undefined;
        // The clock starts when the candidate can first type; a reset does not give extra time.
        if (!record.readyAt) {
          record.readyAt = now.toISOString();
          record.expiresAt = new Date(now.getTime() + record.timeLimitMinutes * 60_000).toISOString();
        }
        this.store.save(record);
        this.record(record.id, 'ready', { envId: lab.env.id, startMs: Date.now() - started, source });
        this.emit('status', record.id, { state: record.state });
        this.emit('environment', record.id);
        // Came up while the server shuts down: it stays for the next start to adopt, unchecked.
        if (this.closed) return;
        this.runChecks(record.id, 'ready').catch((err: unknown) => logger.warn({ sessionId: record.id, err: errorMessage(err) }, 'first check round failed'));
        this.checkTimers.schedule(live.record.id);
      })
      .catch((err: unknown) => {
        // Dropped while waiting (ended, or the server is closing) or failed after it ended.
        if (record.state !== 'starting' || starting.signal.aborted) return;
        logger.error({ sessionId: record.id, err: errorMessage(err) }, 'environment failed to start');
        this.fail(live, errorMessage(err));
      })
      .finally(() => {
        ticket.release();
        if (live.starting === starting) live.starting = undefined;
      });
    void this.tracked(bringing);
  }

  private fail(live: LiveSession, message: string): void {
    const record = live.record;
    this.transition(record, 'failed');
    record.error = message;
    record.phase = undefined;
    record.endedAt = new Date().toISOString();
    this.store.save(record);
    this.record(record.id, 'failed', { message });
    this.emit('status', record.id, { state: 'failed', message });
    this.emit('closed', record.id, 'failed');
    this.checkTimers.stop(live.record.id);
    this.live.delete(record.id);
    this.eventBudget.forget(record.id);
  }

  /** Remove an environment (and any shell still held for it), logging rather than throwing. */
  private async removeEnvironment(target: LabEnvironment | string): Promise<void> {
    const envId = typeof target === 'string' ? target : target.env.id;
    const removal = this.tracked(typeof target === 'string' ? this.lab.down(target) : this.lab.release(target));
    await removal.catch((err: unknown) => logger.error({ envId, err: errorMessage(err) }, 'removing a leftover environment failed'));
  }

  private tracked(work: Promise<void>): Promise<void> {
    this.background.add(work);
    const done = () => this.background.delete(work);
    work.then(done, done);
    return work;
  }

  /** The candidate submitted a command line: a check round follows shortly (see check-timers.ts). */
  commandSubmitted(id: string): void {
    this.checkTimers.commandSubmitted(id);
  }

  private checkTimersHost(): CheckTimersHost {
    const running = (id: string) => {
      const live = this.live.get(id);
      return live !== undefined && RUNNING_STATES.has(live.record.state);
    };
    return {
      running,
      watched: (id) => !this.closed && running(id) && (this.live.get(id)?.connections ?? 0) > 0,
      watchedCount: () => [...this.live.values()].filter((l) => l.connections > 0).length,
      roundInFlight: (id) => this.live.get(id)?.checkRound,
      runChecks: (id, reason) => this.runChecks(id, reason),
    };
  }

  /**
   * A session that is not over: once ended, expired or failed its links are read-only (the
   * record, timeline and recording stay readable; nothing changes and the solution is withheld).
   */
  private requireOpen(id: string): SessionRecord {
    const record = this.get(id);
    if (!LIVE_STATES.has(record.state)) throw sessionOver(record.state);
    return record;
  }

  private requireRunning(id: string): LiveSession {
    const live = this.live.get(id);
    if (!live) throw sessionOver(this.get(id).state);
    if (!RUNNING_STATES.has(live.record.state) || !live.lab) throw notRunning();
    if (live.held) throw new FaultlineError('conflict', `${live.record.notice ?? 'The environment is being started again'}. Try again once it is back.`);
    return live;
  }

  private transition(record: SessionRecord, to: State): void {
    if (!ALLOWED[record.state].includes(to)) {
      throw new FaultlineError('conflict', `This session is ${record.state} and cannot become ${to}.`);
    }
    record.state = to;
  }

  private record(id: string, type: EventType, data: Record<string, unknown>): void {
    const admission = this.eventBudget.admit(id, type);
    if (admission === 'drop') return;
    const event = admission === 'mark' ? this.store.addEvent(id, 'events_capped', { kept: MAX_EVENTS_PER_SESSION }) : this.store.addEvent(id, type, data);
    this.emit('event', id, event);
  }
}

function contentOf(rendered: RenderedScenario): SessionContent {
  return {
    brief: rendered.brief,
    solution: rendered.solution,
    hints: rendered.hints,
    escalations: rendered.escalations.map((e) => ({ id: e.id, title: e.title, description: e.description, notice: e.notice })),
  };
}
