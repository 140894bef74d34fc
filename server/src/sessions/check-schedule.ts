/**
 * How long a watched session waits between periodic check rounds: the configured interval, or
 * longer when that many watched sessions would run more rounds per second than the server's budget.
 */
export function periodicCheckDelayMs(watchedSessions: number, intervalMs: number, roundsPerSecond: number): number {
  return Math.max(intervalMs, Math.ceil((watchedSessions / roundsPerSecond) * 1000));
}
