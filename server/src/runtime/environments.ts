import crypto from 'node:crypto';
import type Docker from 'dockerode';
import pLimit from 'p-limit';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import type { RenderedHost, RenderedScenario, RenderedStateRead, RenderedStep } from '../scenarios/render.js';
import { checkerHost, newProofKey, proofKeyFiles, readStateIntoChecker, sealChecker } from './checker.js';
import { createHostContainer, packFiles, readSingleFile, type Limits } from './containers.js';
import { LABELS, engineStatus, withDeadline, withSignal } from './docker.js';
import { openShell, runScript, type ScriptResult, type Shell } from './exec.js';
import type { ImageManager } from './images.js';
import {
  containerMemoryUsage,
  environmentDiskUsage,
  listEnvironments,
  removeEnvironmentObjects,
  type Environment,
} from './inventory.js';
import { BRIDGE_PREFIX, SubnetAllocator } from './network.js';
import { watchBoot, type BootWatch } from './readiness.js';
import { ScriptAgent } from './script-agent.js';
import { environmentSshFiles } from './ssh-keys.js';

export type { Limits } from './containers.js';
export type { Environment } from './inventory.js';

export interface RuntimeOptions {
  subnetPool: string;
  limits: Limits;
  /** Deadline for a host to report ready, counted from its container's start. */
  readyTimeoutMs: number;
  timeoutMs: number;
}

export type Phase = 'network' | 'containers' | 'starting' | 'waiting' | 'fault' | 'ready';

export interface CreateOptions {
  ttlMinutes: number;
  owner?: string;
  onPhase?: (phase: Phase, detail: string) => void;
}

/** Environments removed at once; more wait their turn. */
const DESTROY_CONCURRENCY = 4;

/**
 * Containers started at once. Whole environments already queue in the lab's start queue; this
 * bounds the parallel starts within and across the environments under way.
 */
const CONTAINER_START_CONCURRENCY = 4;

export function newEnvironmentId(): string {
  return crypto.randomBytes(5).toString('hex');
}

export class EnvironmentRuntime {
  private readonly subnets: SubnetAllocator;
  private readonly startLimit: ReturnType<typeof pLimit>;
  private readonly destroyLimit = pLimit(DESTROY_CONCURRENCY);
  /** Script agents by environment id, then host name; opened on first use. */
  private readonly agents = new Map<string, Map<string, Promise<ScriptAgent>>>();

  constructor(
    readonly docker: Docker,
    readonly images: ImageManager,
    private readonly options: RuntimeOptions,
  ) {
    this.subnets = new SubnetAllocator(docker, options.subnetPool, options.timeoutMs);
    this.startLimit = pLimit(CONTAINER_START_CONCURRENCY);
  }

  private get containerContext() {
    return { docker: this.docker, images: this.images, limits: this.options.limits, timeoutMs: this.options.timeoutMs };
  }

  /** Reserve a network first: the rendered scenario needs the subnet to place its hosts. */
  async allocate(envId: string, scenarioId: string, seed: string, opts: CreateOptions): Promise<{ subnet: string; networkId: string }> {
    opts.onPhase?.('network', 'creating the private network');
    const { id, subnet } = await this.subnets.createNetwork(`${BRIDGE_PREFIX}${envId}`, this.labels(envId, scenarioId, seed, opts));
    return { subnet, networkId: id };
  }

  /**
   * Bring an environment up: containers (hardened, labelled, files copied in before start),
   * resolvers pointed at the scenario DNS, readiness probes, then the fault's setup steps.
   * On any failure everything already created is removed before the error is rethrown.
   */
  async create(rendered: RenderedScenario, networkId: string, opts: CreateOptions): Promise<Environment> {
    const { envId, seed, subnet } = rendered.placement;
    const env: Environment = {
      id: envId,
      scenarioId: rendered.scenarioId,
      seed,
      subnet,
      networkId,
      containers: {},
      terminalHost: rendered.hosts.find((h) => h.terminal)?.name ?? '',
      expiresAt: new Date(Date.now() + opts.ttlMinutes * 60_000),
    };
    try {
      opts.onPhase?.('containers', `creating ${rendered.hosts.length} containers`);
      const labels = this.labels(envId, rendered.scenarioId, seed, opts);
      const sshFiles = environmentSshFiles(envId);
      // Short lab names (`ssh web`) only: scenario FQDNs stay with the scenario's DNS.
      const hostsLines = rendered.hosts.map((h) => `${h.ip} ${h.hostname.split('.')[0]}`);
      // The lab app signs the checker's challenges with a key made for this environment alone.
      const proofKey = newProofKey();
      const checker = checkerHost(rendered);
      await Promise.all(
        [...rendered.hosts, checker].map(async (host) => {
          const files = [...(host === checker ? [] : sshFiles), ...proofKeyFiles(host, proofKey)];
          env.containers[host.name] = await createHostContainer(this.containerContext, envId, host, labels, files, hostsLines);
        }),
      );
      opts.onPhase?.('starting', 'starting containers');
      // Listen before starting, so lab-init's "ready" line cannot be missed.
      const boots = await Promise.all(
        rendered.hosts.map((host) => watchBoot(this.docker, env.containers[host.name]!, host, this.options)),
      );
      try {
        await Promise.all([
          withDeadline('start the checker', this.options.timeoutMs, (abortSignal) =>
            this.docker.getContainer(env.containers[checker.name]!).start(withSignal(abortSignal)),
          ),
          ...rendered.hosts.map((host, i) =>
            this.startLimit(async () => {
              const begun = Date.now();
              await withDeadline(`start ${host.name}`, this.options.timeoutMs, (abortSignal) =>
                this.docker.getContainer(env.containers[host.name]!).start(withSignal(abortSignal)),
              );
              boots[i]!.started(Date.now() - begun);
            }),
          ),
        ]);
        opts.onPhase?.('waiting', 'waiting for services');
        await Promise.all(boots.map((boot) => boot.ready));
      } finally {
        for (const boot of boots) boot.close();
      }
      await this.sealChecker(env, rendered.hosts);
      opts.onPhase?.('fault', 'applying the fault');
      await this.runSteps(env, rendered.setup);
      opts.onPhase?.('ready', 'environment ready');
      return env;
    } catch (err) {
      await this.destroy(envId).catch((cleanupErr: unknown) =>
        logger.error({ envId, err: errorMessage(cleanupErr) }, 'cleanup after a failed start also failed'),
      );
      throw err instanceof FaultlineError
        ? err
        : new FaultlineError('environment_failed', `Environment ${envId} failed to start: ${errorMessage(err)}`, { cause: err });
    }
  }

  private labels(envId: string, scenarioId: string, seed: string, opts: CreateOptions): Record<string, string> {
    return {
      [LABELS.managed]: 'true',
      [LABELS.env]: envId,
      [LABELS.scenario]: scenarioId,
      [LABELS.seed]: seed,
      [LABELS.expiresAt]: new Date(Date.now() + opts.ttlMinutes * 60_000).toISOString(),
      ...(opts.owner ? { [LABELS.owner]: opts.owner } : {}),
    };
  }

  /** Close the checker to inbound traffic and pin its neighbours (again, after a host restarted). */
  sealChecker(env: Environment, hosts: RenderedHost[]): Promise<void> {
    return sealChecker(this.docker, env.containers, `${BRIDGE_PREFIX}${env.id}`, hosts, this.options.timeoutMs);
  }

  /** Copy a check's declared host state into the checker; returns the folder for its $FL_STATE. */
  readState(env: Environment, checkId: string, reads: RenderedStateRead[]): Promise<string> {
    return readStateIntoChecker(this.docker, env.containers, checkId, reads, this.options.timeoutMs);
  }

  /** Run a script on one host of an environment with an exec of its own (no TTY). */
  async exec(env: Environment, hostName: string, script: string, timeoutSeconds: number, vars: Record<string, string> = {}): Promise<ScriptResult> {
    return runScript(this.docker, containerOf(env, hostName), script, { timeoutSeconds, env: vars }).catch((err: unknown) => stoppedHost(err, hostName));
  }

  /**
   * Run a script on one host through that host's long-lived script agent: checks run every few
   * seconds, and a fresh exec each time costs the engine far more than the script. Falls back to
   * a one-off exec when the agent cannot start or dies mid-script (a candidate may kill it).
   */
  async execViaAgent(env: Environment, hostName: string, script: string, timeoutSeconds: number, vars: Record<string, string> = {}): Promise<ScriptResult> {
    let agent: ScriptAgent;
    try {
      agent = await this.agentFor(env, hostName);
    } catch (err) {
      logger.debug({ envId: env.id, host: hostName, err: errorMessage(err) }, 'no script agent; running a one-off exec');
      return this.exec(env, hostName, script, timeoutSeconds, vars);
    }
    try {
      return await agent.run(script, timeoutSeconds, vars);
    } catch (err) {
      if (err instanceof FaultlineError && err.code === 'timeout') throw err;
      logger.debug({ envId: env.id, host: hostName, err: errorMessage(err) }, 'script agent died mid-script; running a one-off exec');
      return this.exec(env, hostName, script, timeoutSeconds, vars);
    }
  }

  private async agentFor(env: Environment, hostName: string): Promise<ScriptAgent> {
    const id = containerOf(env, hostName);
    let hosts = this.agents.get(env.id);
    if (!hosts) {
      hosts = new Map();
      this.agents.set(env.id, hosts);
    }
    const cached = hosts.get(hostName);
    const reuse = cached?.then((agent) => (agent.alive ? agent : undefined)).catch(() => undefined);
    const opened = (async () => (await reuse) ?? ScriptAgent.open(this.docker, id, `${env.id}/${hostName}`, this.options.timeoutMs))();
    hosts.set(hostName, opened);
    opened.catch(() => {
      if (hosts.get(hostName) === opened) hosts.delete(hostName);
    });
    return opened;
  }

  private closeAgents(envId: string): void {
    const hosts = this.agents.get(envId);
    this.agents.delete(envId);
    for (const agent of hosts?.values() ?? []) {
      // An agent that never opened has nothing to close; its failure was handled where it was used.
      agent.then((a) => a.close()).catch(() => undefined);
    }
  }

  /** Run setup or solve steps in order; the first failing step stops the run with its output. */
  async runSteps(env: Environment, steps: RenderedStep[]): Promise<void> {
    for (const step of steps) {
      if (step.kind === 'copy') {
        await this.copyFile(env, step);
        continue;
      }
      const result = await this.exec(env, step.host, `set -e\n${step.script}`, step.timeoutSeconds);
      if (result.exitCode !== 0) {
        throw new FaultlineError(
          'environment_failed',
          `${step.label} exited with ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}: ${result.output.trim().slice(-800)}`,
        );
      }
    }
  }

  private async copyFile(env: Environment, step: Extract<RenderedStep, { kind: 'copy' }>): Promise<void> {
    const from = env.containers[step.fromHost];
    const to = env.containers[step.toHost];
    if (!from || !to) throw new FaultlineError('not_found', `${step.label}: unknown host`);
    const content = await withDeadline(`read ${step.from} on ${step.fromHost}`, this.options.timeoutMs, async (abortSignal) => {
      const archive = await this.docker.getContainer(from).getArchive(withSignal(abortSignal, { path: step.from }));
      return readSingleFile(archive as NodeJS.ReadableStream);
    });
    const archive = await packFiles([{ path: step.to, mode: 0o644, content }]);
    await withDeadline(`write ${step.to} on ${step.toHost}`, this.options.timeoutMs, (abortSignal) =>
      this.docker.getContainer(to).putArchive(archive, withSignal(abortSignal, { path: '/' })),
    );
  }

  /** Interactive shell on the environment's terminal host. */
  async openShell(env: Environment, size: { cols: number; rows: number }): Promise<Shell> {
    const id = env.containers[env.terminalHost];
    if (!id) throw new FaultlineError('not_found', `Environment ${env.id} has no terminal host`);
    return openShell(this.docker, id, { ...size, timeoutMs: this.options.timeoutMs }).catch((err: unknown) =>
      stoppedHost(err, env.terminalHost),
    );
  }

  /**
   * Remove every container and network labelled with this environment id. A few at a time: a
   * burst of removals (a whole class ending at once) otherwise outruns the engine's deadlines.
   */
  destroy(envId: string): Promise<void> {
    this.closeAgents(envId);
    return this.destroyLimit(() => this.removeObjects(envId));
  }

  private removeObjects(envId: string): Promise<void> {
    return removeEnvironmentObjects(this.docker, envId, this.options.timeoutMs);
  }

  /**
   * Follow a stopped host's lab-init while it is started again (revive.ts): call `started` once
   * the start call returns, so the readiness deadline counts from then.
   */
  watchBoot(env: Environment, host: RenderedHost): Promise<BootWatch> {
    return watchBoot(this.docker, env.containers[host.name]!, host, this.options);
  }

  /** Every environment that has labelled objects on the engine, rebuilt from its labels. */
  list(): Promise<Environment[]> {
    return listEnvironments(this.docker, this.options.timeoutMs);
  }

  /** Bytes written to each environment's container layers (see environmentDiskUsage). */
  diskUsage(): Promise<Map<string, number>> {
    return environmentDiskUsage(this.docker, this.options.timeoutMs);
  }

  /** A container's current memory use in bytes (0 once it is gone). */
  memoryUsage(containerId: string): Promise<number> {
    return containerMemoryUsage(this.docker, containerId, this.options.timeoutMs);
  }

  /** Environments whose writable layers exceed the disk limit. */
  async overDiskLimit(): Promise<Array<{ envId: string; bytes: number }>> {
    const limit = this.options.limits.diskMb * 1024 * 1024;
    return [...(await this.diskUsage())].filter(([, bytes]) => bytes > limit).map(([envId, bytes]) => ({ envId, bytes }));
  }

  /** Remove environments whose hard expiry has passed. Returns the ids removed. */
  async reapExpired(now = new Date()): Promise<string[]> {
    const expired = (await this.list()).filter((e) => e.expiresAt.getTime() <= now.getTime());
    for (const env of expired) {
      logger.info({ envId: env.id, scenario: env.scenarioId }, 'removing expired environment');
      await this.destroy(env.id);
    }
    return expired.map((e) => e.id);
  }

  /**
   * Host firewall for lab bridges (every fl-* interface):
   * - INPUT: drop traffic to the host itself. An internal network still puts its gateway address
   *   on the host, and a candidate with NET_ADMIN can route to any host address.
   * - DOCKER-USER (FORWARD): drop anything leaving a lab bridge for a non-lab interface, on top of
   *   the engine's internal-network rules, so egress stays closed even if those change.
   * It runs in a short-lived host-network container, so it works the same whether the server runs
   * on the host or in a container with the socket.
   */
  async ensureHostFirewall(): Promise<void> {
    const rules = [`INPUT -i ${BRIDGE_PREFIX}+ -j DROP`, `DOCKER-USER -i ${BRIDGE_PREFIX}+ ! -o ${BRIDGE_PREFIX}+ -j DROP`];
    const script = rules.map((rule) => `{ iptables -C ${rule} 2>/dev/null || iptables -I ${rule}; }`).join(' && ');
    const rule = rules.join('; ');
    const container = await withDeadline('create the host firewall helper', this.options.timeoutMs, (abortSignal) =>
      this.docker.createContainer({
        Image: this.images.tag('tools'),
        Cmd: ['sh', '-c', script],
        // No environment label: it is no environment, and nothing that sweeps environments may take it.
        Labels: { [LABELS.managed]: 'true' },
        HostConfig: { NetworkMode: 'host', CapDrop: ['ALL'], CapAdd: ['NET_ADMIN', 'NET_RAW'], AutoRemove: false },
        abortSignal,
      } as Docker.ContainerCreateOptions),
    );
    try {
      await container.start();
      const result = (await container.wait()) as { StatusCode: number };
      if (result.StatusCode !== 0) {
        const logs = await container.logs({ stdout: true, stderr: true });
        throw new FaultlineError('environment_failed', `Cannot install the host firewall rule "${rule}": ${logs.toString().trim()}`);
      }
    } finally {
      // Already gone or going (404, 409): the helper is removed either way.
      await container.remove({ force: true }).catch((err: unknown) => {
        if (engineStatus(err) !== 404 && engineStatus(err) !== 409) throw err;
      });
    }
  }
}

function containerOf(env: Environment, hostName: string): string {
  const id = env.containers[hostName];
  if (!id) throw new FaultlineError('not_found', `Environment ${env.id} has no host "${hostName}"`);
  return id;
}

/**
 * The engine answers 409 when exec meets a stopped container: say what that means for a lab (its
 * main process was killed, e.g. `kill 1`) and what to do, instead of the engine's wording.
 */
function stoppedHost(err: unknown, hostName: string): never {
  if (engineStatus(err) === 409) {
    throw new FaultlineError(
      'environment_failed',
      `The ${hostName} host has stopped (its main process was killed or it crashed); reset the environment to start over`,
      { cause: err },
    );
  }
  throw err;
}
