import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../server/src/scenarios/loader.js';
import { proveScenario, type ProofResult } from '../server/src/lab/proof.js';
import { testLab } from './helpers.js';

/**
 * The proof for every scenario in the catalogue, with two seeds each: up -> every check fails ->
 * reference solve -> every check passes -> each escalation breaks and heals -> teardown leaves
 * nothing. Scenarios run a few at a time (FAULTLINE_PROOF_CONCURRENCY) to fit a 2-core machine.
 */
const SEEDS = ['seed-a', 'seed-b'];
const lab = testLab();
const ids = [...loadCatalogue(path.resolve('scenarios')).scenarios.keys()];
const results: ProofResult[] = [];

describe.concurrent('every scenario breaks and heals', { timeout: 600_000 }, () => {
  it.each(ids)('%s', async (id) => {
    const proofs = await Promise.all(SEEDS.map((seed) => proveScenario(lab, id, seed, () => undefined)));
    results.push(...proofs);
    for (const p of proofs) expect(p.failures, `${id} seed ${p.seed}`).toEqual([]);
  });
});

afterAll(() => {
  const lines = results
    .sort((a, b) => a.scenarioId.localeCompare(b.scenarioId))
    .map((r) => {
      const up = r.phases.find((p) => p.phase === 'up')?.ms ?? 0;
      const total = r.phases.reduce((a, p) => a + p.ms, 0);
      return `${r.scenarioId.padEnd(34)} ${r.seed.padEnd(7)} ${r.ok ? 'ok  ' : 'FAIL'} up ${String(up).padStart(5)} ms  total ${String(total).padStart(6)} ms`;
    });
  process.stdout.write(`\nScenario proof timings:\n${lines.join('\n')}\n`);
});
