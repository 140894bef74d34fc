import type { CheckVisibility, InviteWindow, Mode, PlanPart } from '../contract/index.js';
import { FaultlineError, errorMessage } from '../errors/index.js';
import type { StartTicket } from '../lab/start-queue.js';
import { logger } from '../logging/index.js';
import type { Phase } from '../runtime/environments.js';
import type { RenderedScenario } from '../scenarios/render.js';
import type { LiveSession, SessionCore } from './core.js';
import type { LiveChecks } from './live-checks.js';
import { giveUpRefusal } from './solution.js';
import { minutesLeftText, timeLimitStep } from './time-limit.js';
import { hashToken, linkToken, newSessionId } from './tokens.js';
import { ACTIVE_STATES, LIVE_STATES, RUNNING_STATES, planOf, type Role, type SessionContent, type SessionRecord } from './types.js';

export interface CreateInput {
  mode: Mode;
  /** The parts in order; a single-scenario session has one. */
  parts: PlanPart[];
  seed?: string | undefined;
  candidateName?: string | undefined;
  interviewerName?: string | undefined;
  /** Book it for later: the session waits, scheduled, until the interviewer starts it. */
  window?: InviteWindow | undefined;
  checkVisibility?: CheckVisibility | undefined;
}

/** Every session has a candidate link; interviews have interviewer and viewer links too. */
export type Tokens = Partial<Record<Role, string>> & { candidate: string };

/** The terminal starts at this size until the candidate's browser says otherwise. */
const DEFAULT_TERMINAL = { cols: 80, rows: 24 };

/**
 * The lifecycle of a session: created (now, or scheduled for later), its environment brought up
 * from the start queue, reset, moved to the next part of its plan, ended, expired or failed.
 */
export class Lifecycle {
  constructor(
    private readonly core: SessionCore,
    private readonly checks: LiveChecks,
    private readonly linkKey: Buffer,
  ) {}

  /** Begin a session: answers at once; the environment comes up in the background (or at Start). */
  create(input: CreateInput): { record: SessionRecord; tokens: Tokens } {
    const { core } = this;
    const first = input.parts[0];
    if (!first) throw new FaultlineError('bad_request', 'An interview needs at least one scenario.');
    const scenarios = input.parts.map((p) => core.lab.scenario(p.scenarioId));
    const scheduled = input.window !== undefined;
    // The session's place in the queue is known before the session is: it is told its position once it exists.
    const holder: { live?: LiveSession } = {};
    const ticket = scheduled ? undefined : this.admit(first.scenarioId, input.seed, holder);
    const id = newSessionId();
    const roles: Role[] = input.mode === 'interview' ? ['candidate', 'interviewer', 'viewer'] : ['candidate'];
    const tokens: Tokens = { candidate: linkToken(this.linkKey, id, 'candidate') };
    for (const role of roles) tokens[role] ??= linkToken(this.linkKey, id, role);
    const tokenHashes: SessionRecord['tokenHashes'] = Object.fromEntries(Object.entries(tokens).map(([role, token]) => [role, hashToken(token)]));
    const now = new Date();
    const limit = first.timeLimitMinutes ?? (scenarios[0] as (typeof scenarios)[number]).spec.timeLimitMinutes;
    const record: SessionRecord = {
      id,
      scenarioId: first.scenarioId,
      mode: input.mode,
      state: scheduled ? 'scheduled' : 'starting',
      phase: scheduled ? undefined : 'queued',
      queueAhead: ticket?.ahead,
      seed: input.seed,
      candidateName: input.candidateName,
      interviewerName: input.interviewerName,
      createdBy: this.core.author.getStore(),
      window: input.window,
      checkVisibility: input.checkVisibility,
      plan: input.parts.length > 1 || input.parts[0]?.timeLimitMinutes !== undefined ? input.parts : undefined,
      partIndex: 0,
      tokenHashes,
      linkKeyed: true,
      createdAt: now.toISOString(),
      // Not running yet: the clock starts when the environment is first ready.
      expiresAt: new Date((input.window ? Date.parse(input.window.closesAt) : now.getTime()) + limit * 60_000).toISOString(),
      warned: false,
      timeLimitMinutes: limit,
      checks: [],
      hintsRevealed: 0,
      escalations: [],
      gaveUp: false,
      terminal: { ...DEFAULT_TERMINAL },
    };
    const live: LiveSession = { record, connections: 0, escalationEpoch: 0 };
    holder.live = live;
    try {
      core.live.set(record.id, live);
      core.store.save(record);
      core.recordEvent(record.id, 'created', { scenarioId: record.scenarioId, mode: record.mode, candidateName: record.candidateName ?? null });
      if (input.window) core.recordEvent(record.id, 'scheduled', { ...input.window, parts: input.parts.length });
    } catch (err) {
      // Not started after all: its place must not keep others out.
      ticket?.release();
      core.forget(record.id);
      throw err;
    }
    if (ticket) this.bringUp(live, input.seed, ticket);
    return { record, tokens };
  }

  /** The links of a session whose tokens come from the link key (undefined for older ones). */
  tokensOf(record: SessionRecord): Tokens | undefined {
    if (!record.linkKeyed) return undefined;
    const tokens: Tokens = { candidate: linkToken(this.linkKey, record.id, 'candidate') };
    for (const role of Object.keys(record.tokenHashes) as Role[]) tokens[role] = linkToken(this.linkKey, record.id, role);
    return tokens;
  }

  /** Admission: a place in the start queue now, or a refusal before anything changes. */
  private admit(scenarioId: string, seed: string | undefined, holder: { live?: LiveSession }): StartTicket {
    const { core } = this;
    const running = [...core.live.values()].filter((s) => ACTIVE_STATES.has(s.record.state) && s !== holder.live).length;
    if (running >= core.config.maxSessions) {
      throw new FaultlineError('lab_full', `The lab is full: ${running} sessions are live, the most this server runs at once (FAULTLINE_MAX_SESSIONS). Try again in a few minutes, or end a session you no longer need.`);
    }
    return core.lab.reserveStart(scenarioId, seed, { onPosition: (ahead) => holder.live && this.queued(holder.live, ahead) });
  }

  /** A scheduled interview begins: its environment comes (from the warm pool when one is ready). */
  start(live: LiveSession): void {
    const { core } = this;
    const record = live.record;
    const ticket = this.admit(record.scenarioId, record.seed, { live });
    core.transition(record, 'starting');
    record.phase = 'queued';
    record.queueAhead = ticket.ahead;
    core.store.save(record);
    core.recordEvent(record.id, 'started', {});
    core.emit('status', record.id, { state: record.state, phase: record.phase, queueAhead: ticket.ahead });
    this.bringUp(live, record.seed, ticket);
  }

  /** Rebuild the environment with the same seed; the terminal gets a new shell when it is up. */
  reset(id: string): void {
    const live = this.core.requireRunning(id);
    this.replace(live, live.record.scenarioId, 'resetting', () => {
      this.core.recordEvent(id, 'reset', {});
    });
  }

  /** Move on to the next part of the plan: the finished part is kept for the report. */
  next(id: string): void {
    const { core } = this;
    const live = core.requireRunning(id);
    const record = live.record;
    const plan = planOf(record);
    const index = (record.partIndex ?? 0) + 1;
    const part = plan[index];
    if (!part) throw new FaultlineError('conflict', `This is the last part of the interview (${plan.length} of ${plan.length}); end it when you are done.`);
    const scenario = core.lab.scenario(part.scenarioId);
    this.replace(live, part.scenarioId, 'next part', () => {
      const endedAt = new Date().toISOString();
      (record.parts ??= []).push({
        index: index - 1,
        scenarioId: record.scenarioId,
        timeLimitMinutes: record.timeLimitMinutes,
        readyAt: record.partReadyAt,
        endedAt,
        firstSolvedAt: record.firstSolvedAt,
        checks: record.checks,
        hintsRevealed: record.hintsRevealed,
        escalations: record.escalations,
      });
      record.partIndex = index;
      record.scenarioId = part.scenarioId;
      record.timeLimitMinutes = part.timeLimitMinutes ?? scenario.spec.timeLimitMinutes;
      record.partReadyAt = undefined;
      record.firstSolvedAt = undefined;
      record.hintsRevealed = 0;
      record.gaveUp = false;
      record.warned = false;
      record.timeWarning = undefined;
      record.extendedMinutes = undefined;
      record.content = undefined;
      // A new part draws its own variant.
      record.seed = undefined;
      core.recordEvent(id, 'part', { index, total: plan.length, title: scenario.spec.title, scenarioId: part.scenarioId });
    });
  }

  /**
   * Take the environment down and bring another up (the same scenario on a reset, the next one
   * of the plan): admission first, so on a full queue nothing changes.
   */
  private replace(live: LiveSession, scenarioId: string, phase: string, change: () => void): void {
    const { core } = this;
    const record = live.record;
    const ticket = this.admit(scenarioId, phase === 'resetting' ? record.seed : undefined, { live });
    const old = live.lab;
    live.lab = undefined;
    core.transition(record, 'starting');
    record.phase = phase;
    // Not solved now, but firstSolvedAt keeps that it was (for a reset of the same part).
    record.solvedAt = undefined;
    record.checks = [];
    record.escalations = [];
    change();
    core.store.save(record);
    core.emit('closed', record.id, 'reset');
    core.emit('status', record.id, { state: record.state, phase: record.phase });
    const down = old ? core.tracked(core.lab.release(old)) : Promise.resolve();
    down
      .catch((err: unknown) => logger.error({ sessionId: record.id, err: errorMessage(err) }, 'removing the old environment failed'))
      .finally(() => {
        if (core.live.get(record.id) !== live || record.state !== 'starting') {
          ticket.release();
          return;
        }
        this.queued(live, ticket.ahead, true);
        this.bringUp(live, record.seed, ticket);
      });
  }

  giveUp(id: string): string {
    const record = this.core.requireOpen(id);
    const refusal = giveUpRefusal(record);
    if (refusal) throw refusal;
    if (!record.gaveUp) {
      record.gaveUp = true;
      this.core.store.save(record);
      this.core.recordEvent(id, 'gave_up', {});
    }
    return record.content?.solution ?? '';
  }

  /** End (by request), expire (time limit or window) or revoke a session and remove its environment. */
  async end(id: string, reason: 'ended' | 'expired' = 'ended', revoked = false): Promise<SessionRecord> {
    const { core } = this;
    const record = core.get(id);
    if (!LIVE_STATES.has(record.state)) {
      if (reason === 'ended') return record;
      throw new FaultlineError('conflict', `This session is ${record.state} already.`);
    }
    const live = core.live.get(id);
    core.transition(record, reason);
    record.endedAt = new Date().toISOString();
    record.phase = undefined;
    if (revoked) record.revokedAt = record.endedAt;
    if (record.candidatePresence?.connected) record.candidatePresence = { connected: false, since: record.endedAt };
    core.store.save(record);
    core.recordEvent(id, revoked ? 'revoked' : reason, {});
    const message = revoked ? 'the interview was withdrawn' : reason === 'expired' ? 'the time limit was reached' : 'the session was ended';
    core.emit('status', id, { state: record.state, message });
    core.emit('closed', id, reason);
    this.checks.stop(id);
    live?.starting?.abort();
    core.forget(id);
    const envId = live?.lab?.env.id ?? record.envId;
    if (envId) {
      await core.tracked(live?.lab ? core.lab.release(live.lab) : core.lab.down(envId)).catch((err: unknown) => {
        logger.error({ sessionId: id, envId, err: errorMessage(err) }, 'removing the environment of an ended session failed');
      });
    }
    return record;
  }

  fail(live: LiveSession, message: string): void {
    const { core } = this;
    const record = live.record;
    core.transition(record, 'failed');
    record.error = message;
    record.phase = undefined;
    record.endedAt = new Date().toISOString();
    core.store.save(record);
    core.recordEvent(record.id, 'failed', { message });
    core.emit('status', record.id, { state: 'failed', message });
    core.emit('closed', record.id, 'failed');
    this.checks.stop(record.id);
    core.forget(record.id);
  }

  /** Time limits: warn shortly before, expire at the end; a scheduled invite expires with its window. */
  tick(now: number): void {
    const { core } = this;
    for (const live of core.live.values()) {
      const record = live.record;
      if (record.state === 'scheduled' && record.window && Date.parse(record.window.closesAt) <= now) {
        this.end(record.id, 'expired').catch((err: unknown) => logger.error({ sessionId: record.id, err: errorMessage(err) }, 'expiring an invite failed'));
        continue;
      }
      if (!RUNNING_STATES.has(record.state)) continue;
      const step = timeLimitStep(record, now, core.config.expiryWarningMinutes);
      if (step?.kind === 'expire') {
        this.end(record.id, 'expired').catch((err: unknown) => logger.error({ sessionId: record.id, err: errorMessage(err) }, 'expiring a session failed'));
      } else if (step?.kind === 'warn') {
        record.warned = true;
        record.timeWarning = { at: new Date().toISOString(), minutesLeft: step.minutesLeft };
        core.store.save(record);
        core.recordEvent(record.id, 'warning', { minutesLeft: step.minutesLeft });
        core.emit('status', record.id, { state: record.state, message: minutesLeftText(step.minutesLeft) });
      }
    }
  }

  /** A start waiting for its turn: the session says how many are ahead of it. */
  private queued(live: LiveSession, ahead: number, replaced = false): void {
    const record = live.record;
    if (record.state !== 'starting' || this.core.closed) return;
    if (record.phase !== 'queued' && record.phase !== 'resetting' && record.phase !== 'next part') return;
    // While a reset still removes the old environment it says so; its place is shown after.
    if (record.phase !== 'queued' && !replaced) return;
    record.phase = 'queued';
    record.queueAhead = ahead;
    const message = ahead === 0 ? 'starting, you are next' : `starting, ${ahead} ahead of you`;
    this.core.emit('status', record.id, { state: record.state, phase: record.phase, message, queueAhead: ahead });
  }

  private bringUp(live: LiveSession, seed: string | undefined, ticket: StartTicket): void {
    const { core } = this;
    const record = live.record;
    const scenario = core.lab.scenario(record.scenarioId);
    const ttlMinutes = Math.max(core.config.envTtlMinutes, scenario.spec.timeLimitMinutes + 10);
    const started = Date.now();
    // A cold start goes through the network phase; an environment from the warm pool does not.
    let source: 'cold' | 'pool' = 'pool';
    const onPhase = (phase: Phase, detail: string) => {
      if (phase === 'network') source = 'cold';
      if (record.state !== 'starting') return;
      record.phase = phase;
      record.queueAhead = undefined;
      core.emit('status', record.id, { state: record.state, phase, message: detail });
    };
    const starting = new AbortController();
    live.starting = starting;
    const bringing = core.lab
      .up(record.scenarioId, { seed, ttlMinutes, owner: core.lab.sessionOwner, onPhase, ticket, signal: starting.signal })
      .then(async (lab) => {
        if (core.live.get(record.id) !== live || record.state !== 'starting') {
          // Ended while the environment was coming up: it is nobody's now.
          await core.removeEnvironment(lab);
          return;
        }
        live.lab = lab;
        const now = new Date();
        record.envId = lab.env.id;
        record.seed = lab.env.seed;
        record.content = contentOf(lab.rendered);
        core.transition(record, 'ready');
        record.phase = undefined;
        record.queueAhead = undefined;
        // The clock starts when the candidate can first type (per part); a reset does not give extra time.
        const firstReady = record.readyAt === undefined;
        record.readyAt ??= now.toISOString();
        // Records from before plans kept the first part's start in readyAt only.
        if (!firstReady && !record.partReadyAt && (record.partIndex ?? 0) === 0) record.partReadyAt = record.readyAt;
        if (!record.partReadyAt) {
          record.partReadyAt = now.toISOString();
          record.expiresAt = new Date(now.getTime() + record.timeLimitMinutes * 60_000).toISOString();
        }
        core.store.save(record);
        core.recordEvent(record.id, 'ready', { envId: lab.env.id, startMs: Date.now() - started, source });
        core.emit('status', record.id, { state: record.state });
        core.emit('environment', record.id);
        // Came up while the server shuts down: it stays for the next start to adopt, unchecked.
        if (core.closed) return;
        const nextPart = planOf(record)[(record.partIndex ?? 0) + 1];
        if (nextPart) core.lab.expect(nextPart.scenarioId);
        this.checks.begin(live);
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
    void core.tracked(bringing);
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
