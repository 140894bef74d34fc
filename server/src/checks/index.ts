import { errorMessage } from '../errors/index.js';
import type { Environment, EnvironmentRuntime } from '../runtime/environments.js';
import type { RenderedCheck } from '../scenarios/render.js';

export interface CheckResult {
  id: string;
  title: string;
  /** The candidate-facing symptom this check watches (from the scenario). */
  symptom: string;
  passed: boolean;
  /** First line the check printed, or a description of why it could not run. */
  message: string;
  durationMs: number;
}

function firstLine(output: string): string {
  return output.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
}

/** Run one check: exit 0 means fixed; the first output line is the message shown to people. */
export async function runCheck(runtime: EnvironmentRuntime, env: Environment, check: RenderedCheck): Promise<CheckResult> {
  const started = Date.now();
  try {
    const result = await runtime.execViaAgent(env, check.host, check.script, check.timeoutSeconds);
    const line = firstLine(result.output);
    const message = result.timedOut
      ? `timed out after ${check.timeoutSeconds} s${line ? `: ${line}` : ''}`
      : line || (result.exitCode === 0 ? 'ok' : `failed (exit ${result.exitCode})`);
    return { id: check.id, title: check.title, symptom: check.symptom, passed: result.exitCode === 0, message, durationMs: Date.now() - started };
  } catch (err) {
    return { id: check.id, title: check.title, symptom: check.symptom, passed: false, message: `could not run: ${errorMessage(err)}`, durationMs: Date.now() - started };
  }
}

/** Run every check of an environment concurrently; results keep the declared order. */
export function runChecks(runtime: EnvironmentRuntime, env: Environment, checks: RenderedCheck[]): Promise<CheckResult[]> {
  return Promise.all(checks.map((c) => runCheck(runtime, env, c)));
}
