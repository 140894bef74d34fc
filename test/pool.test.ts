import { afterAll, describe, expect, it } from 'vitest';
import type { LabEnvironment } from '../server/src/lab/index.js';
import { LABELS } from '../server/src/runtime/docker.js';
import { testLab } from './helpers.js';

const SCENARIO = 'dns-stale-record';

describe('warm pool', () => {
  const lab = testLab({ FAULTLINE_POOL_SIZE: '1', FAULTLINE_POOL_SCENARIOS: SCENARIO });
  const pool = lab.startPool();
  const claimed: LabEnvironment[] = [];

  afterAll(async () => {
    await pool.drain();
    await Promise.all(claimed.map((c) => lab.down(c.env.id)));
  });

  it('keeps a ready environment for a prewarmed scenario', async () => {
    await expect.poll(() => pool.stats().find((s) => s.scenario === SCENARIO)?.ready, { timeout: 60_000, interval: 250 }).toBe(1);
    // Its memory cost is visible (the /metrics gauge reads this).
    expect(await lab.poolMemoryBytes()).toBeGreaterThan(1024 * 1024);
  });

  it('hands it out whole, untouched and still broken, then refills', async () => {
    const phases: string[] = [];
    const pooledId = pool.environments()[0]?.env.id;
    const env = await lab.up(SCENARIO, { ttlMinutes: 30, onPhase: (p) => phases.push(p) });
    claimed.push(env);
    expect(env.env.id).toBe(pooledId);
    expect(phases).toEqual(['ready']);
    // Nobody has a shell in it: no process on the terminal host holds a TTY.
    const ttys = await lab.runtime.exec(env.env, 'ws', "ps -eo tty= | grep -v '^?' | wc -l", 5);
    expect(ttys.output.trim()).toBe('0');
    expect((await lab.checks(env)).every((r) => !r.passed)).toBe(true);
    expect(pool.environments().map((e) => e.env.id)).not.toContain(env.env.id);
    await expect.poll(() => pool.stats()[0]?.ready, { timeout: 60_000, interval: 250 }).toBe(1);
  });

  it('starts cold when a specific seed is asked for', async () => {
    const phases: string[] = [];
    const env = await lab.up(SCENARIO, { seed: 'pinned', ttlMinutes: 30, onPhase: (p) => phases.push(p) });
    claimed.push(env);
    expect(env.env.seed).toBe('pinned');
    expect(phases[0]).toBe('network');
  });

  it('drains to nothing', async () => {
    const ids = pool.environments().map((e) => e.env.id);
    await pool.drain();
    for (const id of ids) {
      const left = await lab.runtime.docker.listContainers({ all: true, filters: { label: [`${LABELS.env}=${id}`] } });
      expect(left).toEqual([]);
    }
  });
});
