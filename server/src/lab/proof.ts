import { errorMessage } from '../errors/index.js';
import type { CheckResult } from '../checks/index.js';
import { unreachableMessage } from '../runtime/candidate-steps.js';
import type { Lab, LabEnvironment } from './index.js';

export interface PhaseTiming {
  phase: string;
  ms: number;
}

export interface ProofResult {
  scenarioId: string;
  seed: string;
  envId: string | undefined;
  ok: boolean;
  failures: string[];
  phases: PhaseTiming[];
}

function describe(results: CheckResult[]): string {
  return results.map((r) => `${r.passed ? 'PASS' : 'FAIL'} ${r.id}: ${r.message}`).join('; ');
}

/**
 * The proof every scenario must pass: up -> every host answers `ssh <host>` from the terminal
 * host -> every check fails -> solve -> every check passes -> each escalation: inject -> its
 * checks fail -> solve -> all pass -> teardown -> nothing labelled with the environment remains.
 * Solves are typed on the terminal host as a candidate would (Lab.solve); setups are not.
 */
export async function proveScenario(lab: Lab, scenarioId: string, seed: string, log: (line: string) => void): Promise<ProofResult> {
  const result: ProofResult = { scenarioId, seed, envId: undefined, ok: false, failures: [], phases: [] };
  const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      const ms = Date.now() - started;
      result.phases.push({ phase, ms });
      log(`  ${scenarioId} [seed ${seed}] ${phase}: ${ms} ms`);
    }
  };
  const fail = (message: string) => {
    result.failures.push(message);
    log(`  ${scenarioId} [seed ${seed}] FAILED: ${message}`);
  };
  let labEnv: LabEnvironment | undefined;
  try {
    labEnv = await timed('up', () => lab.up(scenarioId, { seed, ttlMinutes: 30, owner: 'proof' }));
    const env = labEnv;
    result.envId = env.env.id;
    const reach = await timed('ssh from the terminal host', () => lab.sshReach(env));
    for (const r of reach.filter((x) => !x.reached)) fail(unreachableMessage(env.env.terminalHost, r));
    for (const r of reach.filter((x) => x.via)) {
      log(`  ${scenarioId} [seed ${seed}] note: ${r.host} answers ssh only through ${r.via ?? ''} (directly: ${r.reason ?? ''})`);
    }
    const broken = await timed('checks (broken)', () => lab.checks(env));
    const wronglyPassing = broken.filter((r) => r.passed);
    if (wronglyPassing.length > 0) fail(`checks pass before the fix: ${describe(wronglyPassing)}`);
    await timed('solve', () => lab.solve(env));
    const fixed = await timed('checks (fixed)', () => lab.checks(env));
    const stillFailing = fixed.filter((r) => !r.passed);
    if (stillFailing.length > 0) fail(`checks fail after the reference solve: ${describe(stillFailing)}`);
    for (const escalation of env.rendered.escalations) {
      await timed(`escalate ${escalation.id}`, () => lab.escalate(env, escalation.id));
      const escalated = await timed(`checks (escalated ${escalation.id})`, () => lab.checks(env));
      const ids = new Set(escalation.checks.map((c) => c.id));
      const shouldFail = escalated.filter((r) => ids.has(r.id));
      if (shouldFail.length === 0) fail(`escalation ${escalation.id} declares no checks`);
      const notBroken = shouldFail.filter((r) => r.passed);
      if (notBroken.length > 0) fail(`escalation ${escalation.id} did not break its checks: ${describe(notBroken)}`);
      await timed(`solve ${escalation.id}`, () => lab.solveEscalation(env, escalation.id));
      const healed = await timed(`checks (after ${escalation.id} solve)`, () => lab.checks(env));
      const unhealed = healed.filter((r) => !r.passed);
      if (unhealed.length > 0) fail(`checks fail after solving escalation ${escalation.id}: ${describe(unhealed)}`);
    }
  } catch (err) {
    fail(errorMessage(err));
  } finally {
    if (result.envId) {
      const envId = result.envId;
      await timed('teardown', () => lab.down(envId)).catch((err: unknown) => fail(`teardown: ${errorMessage(err)}`));
      const leftovers = (await lab.runtime.list()).filter((e) => e.id === envId);
      if (leftovers.length > 0) fail(`objects labelled ${envId} remain after teardown`);
    }
  }
  result.ok = result.failures.length === 0;
  return result;
}
