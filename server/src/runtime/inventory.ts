import type Docker from 'dockerode';
import { LABELS, engineStatus, withDeadline, withSignal } from './docker.js';
import { managedFilter } from './network.js';

/** A live environment as the runtime knows it; rebuilt from labels after a restart. */
export interface Environment {
  id: string;
  scenarioId: string;
  seed: string;
  subnet: string;
  networkId: string;
  /** Container id by scenario host name. */
  containers: Record<string, string>;
  terminalHost: string;
  expiresAt: Date;
  /** Who asked for it (session, pool, cli, test...), from its labels. */
  owner?: string | undefined;
}

/** Remove every container and network labelled with this environment id. */
export async function removeEnvironmentObjects(docker: Docker, envId: string, timeoutMs: number): Promise<void> {
  const filters = managedFilter({ [LABELS.env]: envId });
  const containers = await withDeadline('list containers', timeoutMs, (abortSignal) =>
    docker.listContainers(withSignal(abortSignal, { all: true, filters })),
  );
  await Promise.all(
    containers.map((c) => {
      const name = c.Names[0] ?? c.Id;
      const container = docker.getContainer(c.Id);
      return withDeadline(`remove container ${name}`, timeoutMs, (abortSignal) =>
        container.remove(withSignal(abortSignal, { force: true, v: true })),
      ).catch(async (err: unknown) => {
        const status = engineStatus(err);
        if (status === 404) return;
        if (status !== 409) throw err;
        // Another removal is already under way (an end and the janitor at once): let it finish,
        // so the network below has no endpoint left when it is removed.
        await withDeadline(`wait for the removal of container ${name}`, timeoutMs, (abortSignal) =>
          container.wait(withSignal(abortSignal, { condition: 'removed' as const })),
        ).catch((waitErr: unknown) => {
          if (engineStatus(waitErr) !== 404) throw waitErr;
        });
      });
    }),
  );
  const networks = await withDeadline('list networks', timeoutMs, (abortSignal) =>
    docker.listNetworks(withSignal(abortSignal, { filters })),
  );
  await Promise.all(
    networks.map((n) =>
      withDeadline(`remove network ${n.Name}`, timeoutMs, (abortSignal) => docker.getNetwork(n.Id).remove(withSignal(abortSignal))).catch(
        (err: unknown) => {
          if (engineStatus(err) !== 404) throw err;
        },
      ),
    ),
  );
}

/** Every environment that has labelled objects on the engine, rebuilt from its labels. */
export async function listEnvironments(docker: Docker, timeoutMs: number): Promise<Environment[]> {
  const filters = managedFilter();
  const [containers, networks] = await Promise.all([
    withDeadline('list containers', timeoutMs, (abortSignal) => docker.listContainers(withSignal(abortSignal, { all: true, filters }))),
    withDeadline('list networks', timeoutMs, (abortSignal) => docker.listNetworks(withSignal(abortSignal, { filters }))),
  ]);
  const envs = new Map<string, Environment>();
  const get = (labels: Record<string, string>): Environment | undefined => {
    const id = labels[LABELS.env];
    if (!id) return undefined;
    let env = envs.get(id);
    if (!env) {
      env = {
        id,
        scenarioId: labels[LABELS.scenario] ?? '',
        seed: labels[LABELS.seed] ?? '',
        subnet: '',
        networkId: '',
        containers: {},
        terminalHost: '',
        expiresAt: new Date(labels[LABELS.expiresAt] ?? 0),
        owner: labels[LABELS.owner],
      };
      envs.set(id, env);
    }
    return env;
  };
  for (const n of networks) {
    const env = get(n.Labels ?? {});
    if (!env) continue;
    env.networkId = n.Id;
    env.subnet = n.IPAM?.Config?.[0]?.Subnet ?? '';
  }
  for (const c of containers) {
    const env = get(c.Labels ?? {});
    const host = c.Labels?.[LABELS.host];
    if (env && host) env.containers[host] = c.Id;
  }
  return [...envs.values()];
}

/**
 * Bytes written to each environment's container layers (the engine's SizeRw). The disk
 * watchdog compares this with limits.diskMb, since overlay2 on ext4 has no per-container quota.
 */
export async function environmentDiskUsage(docker: Docker, timeoutMs: number): Promise<Map<string, number>> {
  const containers = await withDeadline('measure container sizes', timeoutMs * 2, (abortSignal) =>
    docker.listContainers(withSignal(abortSignal, { all: true, size: true, filters: managedFilter() })),
  );
  const usage = new Map<string, number>();
  for (const c of containers) {
    const env = c.Labels?.[LABELS.env];
    if (env) usage.set(env, (usage.get(env) ?? 0) + ((c as { SizeRw?: number }).SizeRw ?? 0));
  }
  return usage;
}

/** A container's current memory use in bytes (0 once it is gone). */
export async function containerMemoryUsage(docker: Docker, containerId: string, timeoutMs: number): Promise<number> {
  try {
    const stats = (await withDeadline('read container stats', timeoutMs, (abortSignal) =>
      docker.getContainer(containerId).stats(withSignal(abortSignal, { stream: false as const, 'one-shot': true })),
    )) as { memory_stats?: { usage?: number } };
    return stats.memory_stats?.usage ?? 0;
  } catch (err) {
    if (engineStatus(err) === 404) return 0;
    throw err;
  }
}
