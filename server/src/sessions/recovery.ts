import type { Lab, LabEnvironment } from '../lab/index.js';
import { errorMessage } from '../errors/index.js';
import type { Environment } from '../runtime/environments.js';
import type { SessionStore } from './store.js';
import { LIVE_STATES, type SessionRecord } from './types.js';

/** What recovery needs from the session service; the service keeps the live sessions and their state machine. */
export interface RecoveryHost {
  readonly lab: Lab;
  readonly store: SessionStore;
  /** Make a recovered session live again on its re-adopted environment (a scheduled one has none). */
  adopt(record: SessionRecord, lab: LabEnvironment | undefined): void;
  /** Fail a recovered session that cannot go on. */
  fail(record: SessionRecord, message: string): void;
  /** Whether a live session of this process holds the environment. */
  holds(envId: string): boolean;
  /** Remove an environment, logging rather than throwing. */
  removeEnvironment(envId: string): Promise<void>;
}

export interface Recovered {
  adopted: number;
  failed: number;
  removed: number;
}

/**
 * After a restart: re-adopt the environments of sessions still live, fail the sessions whose
 * environment vanished (or was still starting), and remove environments of sessions that are over.
 */
export async function recover(host: RecoveryHost): Promise<Recovered> {
  const envs = await host.lab.runtime.list();
  const byId = new Map(envs.map((e) => [e.id, e]));
  let adopted = 0;
  let failed = 0;
  for (const record of host.store.byStates([...LIVE_STATES])) {
    if (record.state === 'scheduled') {
      // An invite has no environment yet: it is held again as it was.
      host.adopt(record, undefined);
      continue;
    }
    const env = record.envId ? byId.get(record.envId) : undefined;
    if (record.state === 'starting') {
      host.fail(record, 'The server restarted while the environment was starting; create a new session');
      if (env) await host.removeEnvironment(env.id);
      failed += 1;
      continue;
    }
    let problem = env ? undefined : `The environment ${record.envId ?? ''} is gone from the Docker engine; create a new session`;
    let lab: LabEnvironment | undefined;
    if (env) {
      try {
        lab = host.lab.adopt(env, record.escalations.map((e) => e.id));
        if (!env.containers[lab.env.terminalHost]) problem = `The terminal host of environment ${env.id} is gone; create a new session`;
      } catch (err) {
        problem = `The environment could not be re-adopted: ${errorMessage(err)}`;
      }
    }
    if (problem || !env || !lab) {
      host.fail(record, problem ?? 'no environment');
      if (env) await host.removeEnvironment(env.id);
      failed += 1;
      continue;
    }
    host.adopt(record, lab);
    byId.delete(env.id);
    adopted += 1;
  }
  const removed = (await removeOrphans(host, [...byId.values()])).length;
  return { adopted, failed, removed };
}

/**
 * Remove environments left behind: those of sessions that are over (a removal that failed when
 * the session ended, e.g. on an overloaded engine), and those this server made that nothing holds
 * (warm pool leftovers after a restart). The janitor calls this periodically.
 */
export async function sweepOrphans(host: RecoveryHost): Promise<string[]> {
  return removeOrphans(host, await host.lab.runtime.list());
}

async function removeOrphans(host: RecoveryHost, envs: Environment[]): Promise<string[]> {
  const removed: string[] = [];
  for (const env of envs) {
    // Decided just before each removal: a session or the pool may have taken one over meanwhile.
    if (!isOrphan(host, env)) continue;
    await host.removeEnvironment(env.id);
    removed.push(env.id);
  }
  return removed;
}

function isOrphan(host: RecoveryHost, env: Environment): boolean {
  if (host.holds(env.id) || host.lab.holds(env.id)) return false;
  const owner = host.store.sessionByEnv(env.id);
  if (owner) return !LIVE_STATES.has(owner.state);
  return host.lab.madeHere(env);
}
