import type { EventType } from './types.js';

/**
 * Events one session keeps at most. A client can make some events repeat for as long as the
 * session lives (a check flipping every round, reconnects, a host killed again and again); past
 * the budget only events that decide or explain the outcome are kept, after one marker.
 */
export const MAX_EVENTS_PER_SESSION = 5000;

const ALWAYS_KEPT: ReadonlySet<EventType> = new Set<EventType>([
  'created',
  'ready',
  'solved',
  'hint',
  'note',
  'escalation',
  'reset',
  'gave_up',
  'warning',
  'expired',
  'ended',
  'failed',
  'events_capped',
]);

export type Admission = 'record' | 'drop' | 'mark';

/** Counts each session's events (from the store on first use) and says which to keep. */
export class EventBudget {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly stored: (sessionId: string) => number,
    private readonly max = MAX_EVENTS_PER_SESSION,
  ) {}

  /** `mark`: drop this event and record the one `events_capped` marker instead. */
  admit(sessionId: string, type: EventType): Admission {
    const count = this.counts.get(sessionId) ?? this.stored(sessionId);
    if (count < this.max || ALWAYS_KEPT.has(type)) {
      this.counts.set(sessionId, count + 1);
      return 'record';
    }
    if (count === this.max) {
      this.counts.set(sessionId, count + 1);
      return 'mark';
    }
    return 'drop';
  }

  forget(sessionId: string): void {
    this.counts.delete(sessionId);
  }
}
