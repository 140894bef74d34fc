import { FaultlineError } from '../errors/index.js';
import type { RenderedHost } from '../scenarios/render.js';
import { CHECKER_HOST } from '../scenarios/schema.js';
import { LABELS, withDeadline, withSignal } from './docker.js';
import type { Environment, EnvironmentRuntime } from './environments.js';
import { managedFilter } from './network.js';

/**
 * Start the stopped hosts of an environment again: the same containers (their files intact), not
 * a rebuild. Servers first, then the terminal host, so what the workstation reaches at boot is
 * up; each counts as back when lab-init reports it ready again (resolver, host names, sshd, the
 * service and its readiness probe). Returns the names of the hosts that were started.
 */
export async function startStoppedHosts(runtime: EnvironmentRuntime, env: Environment, hosts: RenderedHost[], timeoutMs: number): Promise<string[]> {
  const started: string[] = [];
  for (const group of [hosts.filter((h) => !h.terminal), hosts.filter((h) => h.terminal)]) {
    await Promise.all(
      group.map(async (host) => {
        if (await startIfStopped(runtime, env, host, timeoutMs)) started.push(host.name);
      }),
    );
  }
  return started;
}

/**
 * Start the checker again if it stopped (the engine restarted); it has no readiness line. Its
 * firewall and pinned neighbours are gone with its network namespace: the caller seals it again.
 */
export async function startCheckerIfStopped(runtime: EnvironmentRuntime, env: Environment, timeoutMs: number): Promise<boolean> {
  const id = env.containers[CHECKER_HOST];
  if (!id) throw new FaultlineError('not_found', `Environment ${env.id} has no checker; create a new session`);
  const container = runtime.docker.getContainer(id);
  const info = await withDeadline('inspect the checker', timeoutMs, (abortSignal) => container.inspect(withSignal(abortSignal)));
  if (info.State.Running) return false;
  await withDeadline('start the checker', timeoutMs, (abortSignal) => container.start(withSignal(abortSignal)));
  return true;
}

async function startIfStopped(runtime: EnvironmentRuntime, env: Environment, host: RenderedHost, timeoutMs: number): Promise<boolean> {
  const id = env.containers[host.name];
  if (!id) return false;
  const container = runtime.docker.getContainer(id);
  const info = await withDeadline(`inspect ${host.name}`, timeoutMs, (abortSignal) => container.inspect(withSignal(abortSignal)));
  if (info.State.Running) return false;
  // Listen before starting, so lab-init's "ready" line cannot be missed.
  const boot = await runtime.watchBoot(env, host);
  try {
    const startedAt = Date.now();
    await withDeadline(`start ${host.name}`, timeoutMs, (abortSignal) => container.start(withSignal(abortSignal)));
    boot.started(Date.now() - startedAt);
    await boot.ready;
  } finally {
    boot.close();
  }
  return true;
}

/** Hosts of an environment whose container is not running (stopped, or gone from the engine). */
export async function stoppedHostNames(runtime: EnvironmentRuntime, env: Environment, timeoutMs: number): Promise<string[]> {
  const containers = await withDeadline('list the containers of an environment', timeoutMs, (abortSignal) =>
    runtime.docker.listContainers(withSignal(abortSignal, { all: true, filters: managedFilter({ [LABELS.env]: env.id }) })),
  );
  const running = new Set(containers.filter((c) => c.State === 'running').map((c) => c.Id));
  return Object.entries(env.containers)
    .filter(([, id]) => !running.has(id))
    .map(([name]) => name);
}
