/**
 * How long a watched session waits between periodic check rounds: the configured interval, or
 * longer when that many watched sessions would run more rounds per second than the server's budget.
 */
export function periodicCheckDelayMs(watchedSessions: number, intervalMs: number, roundsPerSecond: number): number {
  return Math.max(intervalMs, Math.ceil((watchedSessions / roundsPerSecond) * 1000));
}

/**
 * A token bucket for check rounds that are not periodic (after a command): at most `perSecond`
 * on average across the server, in bursts of up to max(1, perSecond). A round that finds the
 * bucket empty is skipped; the session's periodic round still comes.
 */
export class RoundBudget {
  private tokens: number;
  private last: number;
  private readonly burst: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.burst = Math.max(1, perSecond);
    this.tokens = this.burst;
    this.last = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
