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
    await Promise.all(claimed.map((c) => lab.release(c)));
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
    // The only process on a TTY is the login shell the lab opened for the claimer, and nothing
    // has run in it yet.
    const ttys = await lab.runtime.exec(env.env, 'ws', "ps -eo tty=,args= | grep -v '^?'", 5);
    expect(ttys.output.trim().split('\n')).toEqual([expect.stringMatching(/^pts\/0 +bash -l$/)]);
    expect((await lab.checks(env)).every((r) => !r.passed)).toBe(true);
    // That shell is handed out once, its prompt waiting in the socket; then callers open their own.
    const shell = lab.takeShell(env);
    expect(shell).toBeDefined();
    expect(lab.takeShell(env)).toBeUndefined();
    const prompt = await new Promise<string>((resolve) => {
      let seen = '';
      shell?.stream.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (/# $/.test(seen)) resolve(seen);
      });
      shell?.stream.resume();
    });
    expect(prompt).toMatch(/root@ws/);
    shell?.stream.destroy();
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
