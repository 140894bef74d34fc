import { errorMessage } from '../errors/index.js';
import type { Environment, EnvironmentRuntime } from '../runtime/environments.js';
import { checkerScript } from '../runtime/checker.js';
import type { ScriptResult } from '../runtime/exec.js';
import type { RenderedCheck } from '../scenarios/render.js';
import { CHECKER_HOST } from '../scenarios/schema.js';

export interface CheckResult {
  id: string;
  title: string;
  /** The candidate-facing symptom this check watches (from the scenario). */
  symptom: string;
  /** Shown, never counted toward solved: it runs where the candidate could forge it. */
  advisory: boolean;
  passed: boolean;
  /** First line the check printed, or a description of why it could not run. */
  message: string;
  durationMs: number;
}

function firstLine(output: string): string {
  return output.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
}

/** A counted check: the host state it declares copied in through the engine, then its script on the checker. */
async function onChecker(runtime: EnvironmentRuntime, env: Environment, check: RenderedCheck): Promise<ScriptResult> {
  const vars: Record<string, string> = check.reads.length > 0 ? { FL_STATE: await runtime.readState(env, check.id, check.reads) } : {};
  return runtime.execViaAgent(env, CHECKER_HOST, checkerScript(check.script), check.timeoutSeconds, vars);
}

/** Run one check: exit 0 means fixed; the first output line is the message shown to people. */
export async function runCheck(runtime: EnvironmentRuntime, env: Environment, check: RenderedCheck): Promise<CheckResult> {
  const started = Date.now();
  const about = { id: check.id, title: check.title, symptom: check.symptom, advisory: check.advisory };
  try {
    const result = check.host === CHECKER_HOST ? await onChecker(runtime, env, check) : await runtime.execViaAgent(env, check.host, check.script, check.timeoutSeconds);
    const line = firstLine(result.output);
    const message = result.timedOut
      ? `timed out after ${check.timeoutSeconds} s${line ? `: ${line}` : ''}`
      : line || (result.exitCode === 0 ? 'ok' : `failed (exit ${result.exitCode})`);
    return { ...about, passed: result.exitCode === 0, message, durationMs: Date.now() - started };
  } catch (err) {
    return { ...about, passed: false, message: `could not run: ${errorMessage(err)}`, durationMs: Date.now() - started };
  }
}

/** Run every check of an environment concurrently; results keep the declared order. */
export function runChecks(runtime: EnvironmentRuntime, env: Environment, checks: RenderedCheck[]): Promise<CheckResult[]> {
  return Promise.all(checks.map((c) => runCheck(runtime, env, c)));
}
