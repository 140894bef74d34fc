import type { SessionCore } from './core.js';
import type { LiveChecks } from './live-checks.js';
import { LIVE_STATES, type Role } from './types.js';

/**
 * A role that leaves and comes back within this long was present all along: neither event is
 * recorded, so reconnects (a flaky network, a hostile loop) do not grow the timeline.
 */
const PRESENCE_GRACE_MS = 10_000;

/**
 * Who is connected: terminal sockets per role, the 'joined' and 'left' entries of the timeline,
 * whether the candidate is there (and since when) for the interviewer, and the candidate's
 * arrival in the lobby of a scheduled interview. Live checks run while anyone is connected.
 */
export class Presence {
  constructor(
    private readonly core: SessionCore,
    private readonly checks: LiveChecks,
  ) {}

  join(id: string, role: Role): void {
    const { core } = this;
    const live = core.live.get(id);
    if (!live || core.closed) return;
    live.connections += 1;
    const present = (live.present ??= {});
    present[role] = (present[role] ?? 0) + 1;
    const leaving = live.leaving?.[role];
    const record = live.record;
    if (leaving) {
      clearTimeout(leaving);
      delete live.leaving?.[role];
    } else if (present[role] === 1) {
      if (role === 'candidate') {
        record.candidatePresence = { connected: true, since: new Date().toISOString() };
        core.store.save(record);
      }
      core.recordEvent(id, 'joined', { role });
    }
    if (role === 'candidate' && record.state === 'scheduled' && !record.lobbyAt) {
      record.lobbyAt = new Date().toISOString();
      core.store.save(record);
      core.recordEvent(id, 'lobby', { candidateName: record.candidateName ?? null });
      // Start should come from the warm pool: the interviewer presses it any moment now.
      core.lab.expect(record.scenarioId);
    }
    this.checks.schedule(id);
  }

  leave(id: string, role: Role): void {
    const { core } = this;
    const live = core.live.get(id);
    if (!live || core.closed) return;
    live.connections = Math.max(0, live.connections - 1);
    const present = (live.present ??= {});
    present[role] = Math.max(0, (present[role] ?? 0) - 1);
    if (present[role] === 0 && LIVE_STATES.has(live.record.state)) {
      const leftAt = new Date().toISOString();
      const timer = setTimeout(() => {
        delete live.leaving?.[role];
        if (core.closed || core.live.get(id) !== live || !LIVE_STATES.has(live.record.state)) return;
        if (role === 'candidate') {
          live.record.candidatePresence = { connected: false, since: leftAt };
          core.store.save(live.record);
        }
        core.recordEvent(id, 'left', { role });
      }, PRESENCE_GRACE_MS);
      timer.unref();
      (live.leaving ??= {})[role] = timer;
    }
    if (live.connections === 0) this.checks.stop(id);
  }
}
