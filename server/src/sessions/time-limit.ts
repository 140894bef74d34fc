import type { SessionRecord } from './types.js';

/** What a running session's time limit asks for at a moment: nothing yet, the warning, or the end. */
export type TimeLimitStep = { kind: 'expire' } | { kind: 'warn'; minutesLeft: number } | undefined;

/**
 * The warning comes once, `warningMinutes` before the end (a quarter of the limit for short
 * scenarios, so a 10-minute one is not warned half-way through).
 */
export function timeLimitStep(record: SessionRecord, now: number, warningMinutes: number): TimeLimitStep {
  const expiresAt = Date.parse(record.expiresAt);
  if (expiresAt <= now) return { kind: 'expire' };
  const warnMs = Math.min(warningMinutes * 60_000, (record.timeLimitMinutes * 60_000) / 4);
  if (record.warned || expiresAt - now > warnMs) return undefined;
  return { kind: 'warn', minutesLeft: Math.max(1, Math.round((expiresAt - now) / 60_000)) };
}

/** The status message of the warning ("5 minutes left"), as docs/api.md shows it. */
export function minutesLeftText(minutesLeft: number): string {
  return `${minutesLeft} minute${minutesLeft === 1 ? '' : 's'} left`;
}
