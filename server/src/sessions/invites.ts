import type { CheckVisibility, InviteStatus } from '../contract/index.js';
import { FaultlineError } from '../errors/index.js';
import type { SessionCore } from './core.js';
import type { Lifecycle } from './lifecycle.js';
import type { SessionRecord } from './types.js';

/** The most an interviewer adds to a part's time limit at once. */
export const MAX_EXTENSION_MINUTES = 60;

/**
 * The interviewer's side of an interview's schedule: invites booked ahead (their window, Start,
 * withdrawal), more time for the current part, and what the candidate sees of the checks.
 */
export class Invites {
  constructor(
    private readonly core: SessionCore,
    private readonly lifecycle: Lifecycle,
  ) {}

  /**
   * Where a candidate's link stands: before its window (the lobby opens a few minutes early),
   * in it, after it, or withdrawn. A started interview is open whatever the window says.
   */
  status(record: SessionRecord, now = Date.now()): InviteStatus | undefined {
    if (!record.window) return undefined;
    if (record.revokedAt) return 'revoked';
    if (record.state !== 'scheduled') return record.readyAt || record.state === 'starting' ? 'open' : 'closed';
    if (now < Date.parse(record.window.opensAt) - this.core.config.lobbyOpensEarlyMinutes * 60_000) return 'early';
    if (now >= Date.parse(record.window.closesAt)) return 'closed';
    return 'open';
  }

  start(id: string): void {
    const live = this.core.live.get(id);
    const record = this.core.get(id);
    if (record.state !== 'scheduled' || !live) {
      throw new FaultlineError('conflict', record.revokedAt ? 'This invite was withdrawn; schedule a new interview.' : `This interview is ${record.state} already; only a scheduled one can be started.`);
    }
    this.lifecycle.start(live);
  }

  async revoke(id: string): Promise<void> {
    const record = this.core.get(id);
    if (record.state !== 'scheduled') {
      throw new FaultlineError('conflict', `This interview is ${record.state}: only one that has not started can be withdrawn. End it instead.`);
    }
    await this.lifecycle.end(id, 'ended', true);
  }

  /** More time for the current part: the warning comes again before the new end. */
  extend(id: string, minutes: number): SessionRecord {
    const { core } = this;
    const live = core.requireRunning(id);
    const record = live.record;
    record.expiresAt = new Date(Date.parse(record.expiresAt) + minutes * 60_000).toISOString();
    record.timeLimitMinutes += minutes;
    record.extendedMinutes = (record.extendedMinutes ?? 0) + minutes;
    record.warned = false;
    record.timeWarning = undefined;
    core.store.save(record);
    core.recordEvent(id, 'extended', { minutes, expiresAt: record.expiresAt });
    core.emit('status', id, { state: record.state, message: `${minutes} more minute${minutes === 1 ? '' : 's'}: the time limit is now later` });
    return record;
  }

  setVisibility(id: string, visibility: CheckVisibility): SessionRecord {
    const record = this.core.requireOpen(id);
    record.checkVisibility = visibility;
    this.core.store.save(record);
    this.core.recordEvent(id, 'visibility', { checkVisibility: visibility });
    // Every socket gets the checks again as its role and the new setting allow.
    this.core.emit('checks', id, record.checks, record.state === 'solved');
    return record;
  }
}
