import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckTimers, type CheckTimersHost } from '../server/src/sessions/check-timers.js';

/** A narrow unit test of the timing logic; the real rounds are covered by the lifecycle and terminal tests. */
function fakeHost(watched = 1) {
  const rounds: Array<{ id: string; reason: string; at: number }> = [];
  const host: CheckTimersHost & { up: boolean } = {
    up: true,
    running: () => host.up,
    watched: () => host.up,
    watchedCount: () => watched,
    roundInFlight: () => undefined,
    runChecks: (id, reason) => {
      rounds.push({ id, reason, at: Date.now() });
      return Promise.resolve();
    },
  };
  return { host, rounds };
}

describe('check timers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('run a round every interval while the session is watched, and none once stopped', async () => {
    const { host, rounds } = fakeHost();
    const timers = new CheckTimers(host, { intervalMs: 5000, roundsPerSecond: 4, afterCommandMs: 1000 });
    timers.schedule('s1');
    await vi.advanceTimersByTimeAsync(15_500);
    expect(rounds.map((r) => r.reason)).toEqual(['interval', 'interval', 'interval']);
    timers.stop('s1');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(rounds).toHaveLength(3);
  });

  it('bring a round forward after a command, and the periodic round keeps its place', async () => {
    const { host, rounds } = fakeHost();
    const timers = new CheckTimers(host, { intervalMs: 5000, roundsPerSecond: 4, afterCommandMs: 1000 });
    timers.schedule('s1');
    await vi.advanceTimersByTimeAsync(1000);
    timers.commandSubmitted('s1');
    await vi.advanceTimersByTimeAsync(1000);
    expect(rounds.map((r) => r.reason)).toEqual(['command']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(rounds.map((r) => r.reason)).toEqual(['command', 'interval']);
  });

  it('skip rounds after commands beyond the budget; the periodic round still comes', async () => {
    const { host, rounds } = fakeHost();
    const timers = new CheckTimers(host, { intervalMs: 5000, roundsPerSecond: 0.1, afterCommandMs: 100 });
    timers.commandSubmitted('s1');
    await vi.advanceTimersByTimeAsync(200);
    timers.commandSubmitted('s1');
    await vi.advanceTimersByTimeAsync(200);
    expect(rounds.map((r) => r.reason)).toEqual(['command']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(rounds.map((r) => r.reason)).toContain('interval');
  });

  it('stretch the interval when more sessions are watched than the budget allows', async () => {
    const { host, rounds } = fakeHost(40);
    const timers = new CheckTimers(host, { intervalMs: 5000, roundsPerSecond: 4, afterCommandMs: 0 });
    timers.schedule('s1');
    await vi.advanceTimersByTimeAsync(9_900);
    expect(rounds).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(rounds).toHaveLength(1);
  });

  it('run nothing for a session nobody watches', async () => {
    const { host, rounds } = fakeHost();
    host.up = false;
    const timers = new CheckTimers(host, { intervalMs: 1000, roundsPerSecond: 4, afterCommandMs: 100 });
    timers.schedule('s1');
    timers.commandSubmitted('s1');
    await vi.advanceTimersByTimeAsync(5000);
    expect(rounds).toEqual([]);
  });
});
