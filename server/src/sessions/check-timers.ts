import { errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import { periodicCheckDelayMs, RoundBudget } from './check-schedule.js';

/** What the timers need to know about the sessions they schedule rounds for. */
export interface CheckTimersHost {
  /** The session's environment is up and its state allows checks. */
  running(id: string): boolean;
  /** Running, the server is open, and at least one terminal socket is connected. */
  watched(id: string): boolean;
  /** How many sessions are watched now: the periodic interval stretches to keep rounds within budget. */
  watchedCount(): number;
  /** The round running now for this session, if any. */
  roundInFlight(id: string): Promise<unknown> | undefined;
  runChecks(id: string, reason: 'interval' | 'command'): Promise<unknown>;
}

export interface CheckTimerSettings {
  intervalMs: number;
  roundsPerSecond: number;
  /** A round this long after a command line is submitted (0: none). */
  afterCommandMs: number;
}

interface TimerState {
  timer?: NodeJS.Timeout | undefined;
  /** When the timer fires (epoch ms); undefined once it has fired. */
  dueAt?: number | undefined;
  /** When the wait for the next periodic round began: the end of the previous round. */
  idleSince?: number | undefined;
}

/**
 * When each watched session runs its next check round: periodically while someone is connected,
 * and shortly after a command line, within the server's budget of rounds per second. On-demand
 * rounds are never delayed; they do not pass through here.
 */
export class CheckTimers {
  private readonly states = new Map<string, TimerState>();
  private readonly afterCommandBudget: RoundBudget;

  constructor(
    private readonly host: CheckTimersHost,
    private readonly settings: CheckTimerSettings,
  ) {
    this.afterCommandBudget = new RoundBudget(settings.roundsPerSecond);
  }

  /** Arm the next periodic round, counted from the end of the previous one, unless one is armed. */
  schedule(id: string): void {
    const state = this.stateOf(id);
    if (state.timer || !this.host.watched(id)) return;
    state.idleSince ??= Date.now();
    this.arm(id, state, this.periodicDueAt(state) - Date.now(), 'interval');
  }

  /**
   * The candidate submitted a command line: a round follows shortly, so a fix shows up about a
   * second after it is typed, while the server is within its budget for such rounds.
   */
  commandSubmitted(id: string): void {
    const afterMs = this.settings.afterCommandMs;
    if (afterMs === 0 || !this.host.watched(id)) return;
    const state = this.stateOf(id);
    // A round due sooner covers it; a round already running may have started before the command.
    if (state.dueAt !== undefined && state.dueAt <= Date.now() + afterMs) return;
    // The periodic round keeps its place (idleSince stays): only the timer gives way.
    this.cancel(state);
    this.arm(id, state, afterMs, 'command');
  }

  /** Nobody watches any more, or the session is over: no next round. */
  stop(id: string): void {
    const state = this.states.get(id);
    if (state) this.cancel(state);
    this.states.delete(id);
  }

  private stateOf(id: string): TimerState {
    let state = this.states.get(id);
    if (!state) this.states.set(id, (state = {}));
    return state;
  }

  private periodicDueAt(state: TimerState): number {
    const delay = periodicCheckDelayMs(this.host.watchedCount(), this.settings.intervalMs, this.settings.roundsPerSecond);
    return (state.idleSince ?? Date.now()) + delay;
  }

  private arm(id: string, state: TimerState, delayMs: number, reason: 'interval' | 'command'): void {
    const timer = setTimeout(() => {
      state.dueAt = undefined;
      if (!this.host.running(id)) {
        state.timer = undefined;
        return;
      }
      const next = (roundRan: boolean) => {
        // Stopped meanwhile (everyone left, the session ended): no next round.
        if (this.states.get(id)?.timer !== timer) return;
        state.timer = undefined;
        if (roundRan) state.idleSince = undefined;
        this.schedule(id);
      };
      // More sessions are watched than when this was armed (a class starting together): wait
      // out the longer interval that keeps the server within its budget.
      if (reason === 'interval' && this.periodicDueAt(state) > Date.now()) {
        next(false);
        return;
      }
      // Over the budget for rounds after commands: the periodic round, still due when it was, will see the change.
      if (reason === 'command' && !this.afterCommandBudget.take()) {
        next(false);
        return;
      }
      // A round already running started before the command took effect: run a fresh one after it.
      const inFlight = reason === 'command' ? this.host.roundInFlight(id) : undefined;
      const previous = inFlight ? inFlight.then(() => undefined, () => undefined) : Promise.resolve();
      previous
        .then(() => this.host.runChecks(id, reason))
        .catch((err: unknown) => logger.warn({ sessionId: id, err: errorMessage(err) }, `${reason === 'command' ? 'checks after a command' : 'periodic checks'} failed`))
        .finally(() => next(true));
    }, delayMs);
    timer.unref();
    state.timer = timer;
    state.dueAt = Date.now() + delayMs;
  }

  private cancel(state: TimerState): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    state.dueAt = undefined;
  }
}
