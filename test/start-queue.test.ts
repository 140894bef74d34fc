import { afterEach, describe, expect, it, vi } from 'vitest';
import { FaultlineError } from '../server/src/errors/index.js';
import { StartQueue } from '../server/src/lab/start-queue.js';
import { Deadline } from '../server/src/runtime/readiness.js';

/** A start that runs until the test lets it finish. */
function gate(): { work: () => Promise<string>; open: () => void; begun: () => boolean } {
  let open: () => void = () => undefined;
  let begun = false;
  const done = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    work: async () => {
      begun = true;
      await done;
      return 'up';
    },
    open: () => open(),
    begun: () => begun,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('start queue', () => {
  it('runs at most `concurrency` starts and tells each waiting one how many are ahead, decreasing', async () => {
    const queue = new StartQueue(1, 10);
    const gates = [gate(), gate(), gate(), gate()];
    const positions: number[][] = gates.map(() => []);
    const tickets = gates.map((_, i) => queue.reserve({ admission: true, onPosition: (ahead) => positions[i]!.push(ahead) }));
    expect(tickets.map((t) => t.ahead)).toEqual([0, 1, 2, 3]);
    const runs = tickets.map((t, i) => t.run(gates[i]!.work));
    await tick();
    expect(gates.map((g) => g.begun())).toEqual([true, false, false, false]);
    expect(tickets.map((t) => t.ahead)).toEqual([0, 0, 1, 2]);
    for (const [i, g] of gates.entries()) {
      g.open();
      await expect(runs[i]).resolves.toBe('up');
      await tick();
    }
    expect(positions).toEqual([[], [0], [1, 0], [2, 1, 0]]);
    expect(queue.waitingCount).toBe(0);
    expect(queue.activeCount).toBe(0);
  });

  it('refuses at admission past its maximum, with what to do, and admits again once the queue moves', async () => {
    const queue = new StartQueue(1, 2);
    const running = gate();
    void queue.reserve({ admission: true }).run(running.work);
    await tick();
    const waiting = [queue.reserve({ admission: true }), queue.reserve({ admission: true })];
    let refusal: unknown;
    try {
      queue.reserve({ admission: true });
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(FaultlineError);
    expect((refusal as FaultlineError).status).toBe(503);
    expect((refusal as FaultlineError).message).toMatch(/2 environments are already waiting.*FAULTLINE_START_QUEUE_MAX.*Try again/);
    // The server's own work (warm pool, CLI) is never refused.
    const internal = queue.reserve();
    internal.release();
    waiting[0]!.release();
    expect(() => queue.reserve({ admission: true }).release()).not.toThrow();
    waiting[1]!.release();
    running.open();
  });

  it('lets later starts pass one that is not ready to run yet, and drops a cancelled one without running it', async () => {
    const queue = new StartQueue(1, 10);
    const first = gate();
    void queue.reserve().run(first.work);
    await tick();
    const resetting = queue.reserve();
    const cancelled = queue.reserve();
    const behind = queue.reserve();
    const abort = new AbortController();
    const cancelledWork = vi.fn(async () => 'never');
    const cancelledRun = cancelled.run(cancelledWork, abort.signal);
    const behindGate = gate();
    const behindRun = behind.run(behindGate.work);
    expect(behind.ahead).toBe(2);
    abort.abort();
    await expect(cancelledRun).rejects.toThrow(/cancelled/);
    expect(behind.ahead).toBe(1);
    first.open();
    await tick();
    // `resetting` has not asked to run yet (its old environment is still being removed).
    expect(behindGate.begun()).toBe(true);
    expect(resetting.ahead).toBe(0);
    behindGate.open();
    await behindRun;
    resetting.release();
    expect(cancelledWork).not.toHaveBeenCalled();
    expect(queue.waitingCount).toBe(0);
  });
});

describe('readiness deadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not run while the start waits for its turn, and counts from begin()', () => {
    vi.useFakeTimers();
    const expired = vi.fn();
    const deadline = new Deadline(30_000, expired);
    // Queued behind others for ten times the deadline: not a failure.
    vi.advanceTimersByTime(300_000);
    expect(expired).not.toHaveBeenCalled();
    deadline.begin();
    vi.advanceTimersByTime(29_999);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledWith(30_000);
  });

  it('is cleared when the host reports ready', () => {
    vi.useFakeTimers();
    const expired = vi.fn();
    const deadline = new Deadline(1000, expired);
    deadline.begin();
    deadline.clear();
    vi.advanceTimersByTime(5000);
    expect(expired).not.toHaveBeenCalled();
  });
});
