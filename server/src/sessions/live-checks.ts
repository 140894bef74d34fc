import { FaultlineError, errorMessage } from '../errors/index.js';
import type { LabEnvironment } from '../lab/index.js';
import { logger } from '../logging/index.js';
import { CheckTimers } from './check-timers.js';
import type { LiveSession, SessionCore } from './core.js';
import { notRunning } from './refusals.js';
import { RUNNING_STATES, type SessionRecord, type TimedCheckResult } from './types.js';
import { applyRound, pendingCheck } from './verdict.js';

export type RoundReason = 'request' | 'interval' | 'command' | 'ready' | 'escalation';

/**
 * Live checks: rounds while someone watches (check-timers.ts decides when), the verdict they
 * give (solved while every current check passes), and escalations, which add checks mid-session.
 */
export class LiveChecks {
  private readonly timers: CheckTimers;

  constructor(private readonly core: SessionCore) {
    const running = (id: string) => {
      const live = core.live.get(id);
      return live !== undefined && RUNNING_STATES.has(live.record.state);
    };
    this.timers = new CheckTimers(
      {
        running,
        watched: (id) => !core.closed && running(id) && (core.live.get(id)?.connections ?? 0) > 0,
        watchedCount: () => [...core.live.values()].filter((l) => l.connections > 0).length,
        roundInFlight: (id) => core.live.get(id)?.checkRound,
        runChecks: (id, reason) => this.run(id, reason),
      },
      {
        intervalMs: core.config.checkIntervalMs,
        roundsPerSecond: core.config.checkRoundsPerSecond,
        afterCommandMs: core.config.checkAfterCommandMs,
      },
    );
  }

  schedule(id: string): void {
    this.timers.schedule(id);
  }

  stop(id: string): void {
    this.timers.stop(id);
  }

  /** The candidate submitted a command line: a round follows shortly (see check-timers.ts). */
  commandSubmitted(id: string): void {
    this.timers.commandSubmitted(id);
  }

  /** Run the checks now; a round already running is shared rather than doubled. */
  run(id: string, reason: RoundReason = 'request'): Promise<TimedCheckResult[]> {
    // While hosts are being brought back, scheduled rounds wait; a request is told why it cannot run.
    const held = this.core.live.get(id);
    if (held?.held && reason !== 'request') return Promise.resolve(held.record.checks);
    const live = this.core.requireRunning(id);
    if (live.checkRound) return live.checkRound;
    const round = this.round(live, reason).finally(() => {
      live.checkRound = undefined;
    });
    live.checkRound = round;
    return round;
  }

  /** The first round once an environment is up, and rounds on a timer while anyone watches. */
  begin(live: LiveSession): void {
    const id = live.record.id;
    this.run(id, 'ready').catch((err: unknown) => logger.warn({ sessionId: id, err: errorMessage(err) }, 'first check round failed'));
    this.timers.schedule(id);
  }

  private async round(live: LiveSession, reason: RoundReason): Promise<TimedCheckResult[]> {
    const { core } = this;
    const lab = live.lab;
    if (!lab) throw notRunning();
    const epoch = live.escalationEpoch;
    const results = await core.lab.checks(lab);
    const record = live.record;
    // The environment may have been reset or ended (or the server closed) while the checks ran.
    if (core.closed || live.lab !== lab || !RUNNING_STATES.has(record.state)) return record.checks;
    // An escalation's setup ran meanwhile: what the round saw is the interviewer's change half made, not the candidate's work.
    if (epoch % 2 === 1 || epoch !== live.escalationEpoch) return record.checks;
    const at = new Date().toISOString();
    const verdict = applyRound(record.checks, core.lab.activeChecks(lab), results, at);
    record.checks = verdict.checks;
    core.store.save(record);
    for (const c of verdict.changed) {
      core.recordEvent(record.id, 'check_changed', { id: c.id, title: c.title, symptom: c.symptom, passed: c.passed, message: c.message });
    }
    if (reason === 'request') core.recordEvent(record.id, 'checks', { passed: verdict.checks.filter((c) => c.passed).length, total: verdict.checks.length });
    this.settle(record, verdict.allPass, at);
    core.emit('checks', record.id, record.checks, record.state === 'solved');
    return record.checks;
  }

  /** Solved means now: the state follows whether every current check passes; the first solve stays a fact. */
  private settle(record: SessionRecord, allPass: boolean, at: string, cause: 'checks' | 'escalation' = 'checks'): void {
    const { core } = this;
    if (allPass && record.state === 'ready') {
      core.transition(record, 'solved');
      const again = record.firstSolvedAt !== undefined;
      record.solvedAt = at;
      record.firstSolvedAt ??= at;
      core.store.save(record);
      core.recordEvent(record.id, 'solved', { again });
    } else if (!allPass && record.state === 'solved') {
      core.transition(record, 'ready');
      record.solvedAt = undefined;
      core.store.save(record);
      core.recordEvent(record.id, 'unsolved', { cause, failing: record.checks.filter((c) => !c.passed || c.pending).map((c) => c.id) });
    } else {
      return;
    }
    core.emit('status', record.id, { state: record.state });
  }

  /**
   * Inject an escalation. Its checks count at once (pending until they run), so a solved session
   * stops being solved with the notice, and a round follows so the new checks show their state.
   */
  async escalate(id: string, escalationId: string): Promise<void> {
    const { core } = this;
    const live = core.requireRunning(id);
    const lab = live.lab as LabEnvironment;
    const escalating = (live.escalating ??= new Set());
    if (escalating.has(escalationId)) throw new FaultlineError('conflict', 'This escalation is being injected already; it shows up in a moment.');
    escalating.add(escalationId);
    live.escalationEpoch += 1;
    try {
      await core.lab.escalate(lab, escalationId);
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
    core.store.save(record);
    core.recordEvent(id, 'escalation', { id: escalationId, title, notice });
    this.settle(record, false, at, 'escalation');
    core.emit('checks', id, record.checks, record.state === 'solved');
    // A round already running began before the escalation: the fresh one follows it.
    const previous = live.checkRound?.then(() => undefined, () => undefined) ?? Promise.resolve();
    previous
      .then(() => (core.live.get(id) === live && live.lab === lab && RUNNING_STATES.has(record.state) ? this.run(id, 'escalation') : undefined))
      .catch((err: unknown) => logger.warn({ sessionId: id, err: errorMessage(err) }, 'checks after an escalation failed'));
  }
}
