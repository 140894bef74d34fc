import crypto from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import pLimit from 'p-limit';
import tarStream from 'tar-stream';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import type { RenderedFile, RenderedHost, RenderedScenario, RenderedStep } from '../scenarios/render.js';
import { LABELS, engineStatus, withDeadline, withSignal } from './docker.js';
import { openShell, runScript, type ScriptResult, type Shell } from './exec.js';
import type { ImageManager } from './images.js';
import { BRIDGE_PREFIX, SubnetAllocator, managedFilter } from './network.js';
import { ScriptAgent } from './script-agent.js';
import { environmentSshFiles } from './ssh-keys.js';

export interface Limits {
  memoryMb: number;
  cpus: number;
  pids: number;
  /** Largest file one process may write (RLIMIT_FSIZE). */
  fileMb: number;
  /** Writable-layer size per environment above which the disk watchdog reports it. */
  diskMb: number;
}

export interface RuntimeOptions {
  subnetPool: string;
  limits: Limits;
  startConcurrency: number;
  timeoutMs: number;
}

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

export type Phase = 'network' | 'containers' | 'starting' | 'waiting' | 'fault' | 'ready';

export interface CreateOptions {
  ttlMinutes: number;
  owner?: string;
  onPhase?: (phase: Phase, detail: string) => void;
}

/**
 * CFS periods; the quota is FAULTLINE_HOST_CPUS of the period, so the average stays capped either
 * way. Servers get a long period: what they mostly do is short bursts (a check, a service
 * starting), which then run at full speed instead of being throttled every 100 ms. The terminal
 * host keeps the engine's default: when a candidate runs something CPU-bound there, a long period
 * would freeze their shell for up to half of it (Ctrl-C during `yes` took up to 340 ms).
 */
const SERVER_CPU_PERIOD_US = 500_000;
const TERMINAL_CPU_PERIOD_US = 100_000;

/** Environments removed at once; more wait their turn. */
const DESTROY_CONCURRENCY = 4;

/** How long a host's readiness probe may take to pass before the environment is reported broken. */
const READY_TIMEOUT_MS = 30_000;

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
    this.startLimit = pLimit(options.startConcurrency);
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
      await Promise.all(
        rendered.hosts.map(async (host) => {
          env.containers[host.name] = await this.createContainer(envId, host, labels, sshFiles, hostsLines);
        }),
      );
      opts.onPhase?.('starting', 'starting containers');
      // Listen before starting, so lab-init's "ready" line cannot be missed.
      const boots = await Promise.all(rendered.hosts.map((host) => this.watchBoot(env, host)));
      try {
        await Promise.all(
          rendered.hosts.map((host) =>
            this.startLimit(() =>
              withDeadline(`start ${host.name}`, this.options.timeoutMs, (abortSignal) =>
                this.docker.getContainer(env.containers[host.name]!).start(withSignal(abortSignal)),
              ),
            ),
          ),
        );
        opts.onPhase?.('waiting', 'waiting for services');
        await Promise.all(boots.map((boot) => boot.ready));
      } finally {
        for (const boot of boots) boot.close();
      }
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

  private async createContainer(
    envId: string,
    host: RenderedHost,
    labels: Record<string, string>,
    sshFiles: RenderedFile[],
    hostsLines: string[],
  ): Promise<string> {
    const meta = await this.images.imageMetadata(host.image);
    const { limits } = this.options;
    const memory = (host.memoryMb ?? limits.memoryMb) * 1024 * 1024;
    const [shortName, ...domain] = host.hostname.split('.');
    const cpuPeriod = host.terminal ? TERMINAL_CPU_PERIOD_US : SERVER_CPU_PERIOD_US;
    const network = `${BRIDGE_PREFIX}${envId}`;
    const container = await withDeadline(`create container for ${host.name}`, this.options.timeoutMs, (abortSignal) =>
      this.docker.createContainer({
        name: `${BRIDGE_PREFIX}${envId}-${host.name}`,
        Image: this.images.tag(host.image),
        Hostname: shortName,
        Domainname: domain.join('.'),
        Env: Object.entries(host.env).map(([k, v]) => `${k}=${v}`),
        Labels: { ...labels, [LABELS.host]: host.name },
        StopTimeout: 1,
        HostConfig: {
          NetworkMode: network,
          Init: true,
          Privileged: false,
          CapDrop: ['ALL'],
          CapAdd: [...new Set([...meta.capabilities, ...host.capabilities])],
          SecurityOpt: ['no-new-privileges:true'],
          PidsLimit: limits.pids,
          Memory: memory,
          MemorySwap: memory,
          CpuPeriod: cpuPeriod,
          CpuQuota: Math.round(cpuPeriod * limits.cpus),
          LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
          // No disk quotas on overlay2/ext4: bound each file here, and the total with diskUsage().
          Ulimits: [{ Name: 'fsize', Soft: limits.fileMb * 1024 * 1024, Hard: limits.fileMb * 1024 * 1024 }],
          RestartPolicy: { Name: 'no' },
          // Embedded DNS forwards only to the scenario's server, never to the host's resolvers.
          Dns: [host.dnsServer ?? '127.0.0.1'],
          Sysctls: {
            'net.ipv4.ping_group_range': '0 2147483647',
            'net.ipv4.ip_unprivileged_port_start': '0',
            ...host.sysctls,
          },
        },
        NetworkingConfig: { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: host.ip } } } },
        abortSignal,
      } as Docker.ContainerCreateOptions),
    );
    const readyProbe = host.waitReady ? meta.readyProbe : undefined;
    // The scenario's own files come last, so a scenario may still ship its own ssh setup.
    const archive = await packFiles([...sshFiles, ...bootFiles(host, hostsLines, readyProbe), ...host.files]);
    await withDeadline(`copy files into ${host.name}`, this.options.timeoutMs, (abortSignal) =>
      container.putArchive(archive, withSignal(abortSignal, { path: '/' })),
    );
    return container.id;
  }

  /**
   * Follow a host's lab-init from before it starts: `ready` settles when lab-init reports the host
   * booted (resolver and host names in place, sshd and the service started) and, if it was given a
   * readiness probe, the service passing it. No polling: the engine streams lab-init's output.
   * Also used to start a stopped host again (revive.ts).
   */
  async watchBoot(env: Environment, host: RenderedHost): Promise<{ ready: Promise<void>; close: () => void }> {
    const container = this.docker.getContainer(env.containers[host.name]!);
    // No abort signal: the stream outlives any one request's deadline; `ready` has its own.
    const stream = (await withDeadline(`attach to ${host.name}`, this.options.timeoutMs, () =>
      container.attach({ stream: true, stdout: true, stderr: true }),
    )) as unknown as Readable;
    const output = new PassThrough();
    this.docker.modem.demuxStream(stream, output, output);
    let seen = '';
    const ready = new Promise<void>((resolve, reject) => {
      const fail = (why: string) =>
        reject(new FaultlineError('environment_failed', `Host ${host.name} (${host.image}) ${why}: ${lastLines(seen) || 'no output'}`));
      const timer = setTimeout(() => fail(`was not ready after ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
      output.on('data', (chunk: Buffer) => {
        seen = (seen + chunk.toString('utf8')).slice(-4096);
        if (seen.includes(BOOT_READY_LINE)) {
          clearTimeout(timer);
          resolve();
        } else if (seen.includes(BOOT_NOT_READY_LINE)) {
          clearTimeout(timer);
          fail('never passed its readiness probe');
        }
      });
      // Closed by us (the start failed) or by the engine (the container stopped): settle now, so
      // no timer outlives the attempt.
      stream.on('close', () => {
        clearTimeout(timer);
        if (!seen.includes(BOOT_READY_LINE)) fail('stopped while booting');
      });
    });
    // Whoever awaits `ready` sees a failure; this keeps an abandoned one from being unhandled.
    ready.catch(() => undefined);
    return { ready, close: () => stream.destroy() };
  }

  /** Run a script on one host of an environment with an exec of its own (no TTY). */
  async exec(env: Environment, hostName: string, script: string, timeoutSeconds: number): Promise<ScriptResult> {
    return runScript(this.docker, containerOf(env, hostName), script, { timeoutSeconds }).catch((err: unknown) => stoppedHost(err, hostName));
  }

  /**
   * Run a script on one host through that host's long-lived script agent: checks run every few
   * seconds, and a fresh exec each time costs the engine far more than the script. Falls back to
   * a one-off exec when the agent cannot start or dies mid-script (a candidate may kill it).
   */
  async execViaAgent(env: Environment, hostName: string, script: string, timeoutSeconds: number): Promise<ScriptResult> {
    let agent: ScriptAgent;
    try {
      agent = await this.agentFor(env, hostName);
    } catch (err) {
      logger.debug({ envId: env.id, host: hostName, err: errorMessage(err) }, 'no script agent; running a one-off exec');
      return this.exec(env, hostName, script, timeoutSeconds);
    }
    try {
      return await agent.run(script, timeoutSeconds);
    } catch (err) {
      if (err instanceof FaultlineError && err.code === 'timeout') throw err;
      logger.debug({ envId: env.id, host: hostName, err: errorMessage(err) }, 'script agent died mid-script; running a one-off exec');
      return this.exec(env, hostName, script, timeoutSeconds);
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

  private async removeObjects(envId: string): Promise<void> {
    const filters = managedFilter({ [LABELS.env]: envId });
    const containers = await withDeadline('list containers', this.options.timeoutMs, (abortSignal) =>
      this.docker.listContainers(withSignal(abortSignal, { all: true, filters })),
    );
    await Promise.all(
      containers.map((c) => {
        const name = c.Names[0] ?? c.Id;
        const container = this.docker.getContainer(c.Id);
        return withDeadline(`remove container ${name}`, this.options.timeoutMs, (abortSignal) =>
          container.remove(withSignal(abortSignal, { force: true, v: true })),
        ).catch(async (err: unknown) => {
          const status = engineStatus(err);
          if (status === 404) return;
          if (status !== 409) throw err;
          // Another removal is already under way (an end and the janitor at once): let it finish,
          // so the network below has no endpoint left when it is removed.
          await withDeadline(`wait for the removal of container ${name}`, this.options.timeoutMs, (abortSignal) =>
            container.wait(withSignal(abortSignal, { condition: 'removed' as const })),
          ).catch((waitErr: unknown) => {
            if (engineStatus(waitErr) !== 404) throw waitErr;
          });
        });
      }),
    );
    const networks = await withDeadline('list networks', this.options.timeoutMs, (abortSignal) =>
      this.docker.listNetworks(withSignal(abortSignal, { filters })),
    );
    await Promise.all(
      networks.map((n) =>
        withDeadline(`remove network ${n.Name}`, this.options.timeoutMs, (abortSignal) =>
          this.docker.getNetwork(n.Id).remove(withSignal(abortSignal)),
        ).catch((err: unknown) => {
          if (engineStatus(err) !== 404) throw err;
        }),
      ),
    );
  }

  /** Every environment that has labelled objects on the engine, rebuilt from its labels. */
  async list(): Promise<Environment[]> {
    const filters = managedFilter();
    const [containers, networks] = await Promise.all([
      withDeadline('list containers', this.options.timeoutMs, (abortSignal) =>
        this.docker.listContainers(withSignal(abortSignal, { all: true, filters })),
      ),
      withDeadline('list networks', this.options.timeoutMs, (abortSignal) =>
        this.docker.listNetworks(withSignal(abortSignal, { filters })),
      ),
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
  async diskUsage(): Promise<Map<string, number>> {
    const containers = await withDeadline('measure container sizes', this.options.timeoutMs * 2, (abortSignal) =>
      this.docker.listContainers(withSignal(abortSignal, { all: true, size: true, filters: managedFilter() })),
    );
    const usage = new Map<string, number>();
    for (const c of containers) {
      const env = c.Labels?.[LABELS.env];
      if (env) usage.set(env, (usage.get(env) ?? 0) + ((c as { SizeRw?: number }).SizeRw ?? 0));
    }
    return usage;
  }

  /** A container's current memory use in bytes (0 once it is gone). */
  async memoryUsage(containerId: string): Promise<number> {
    try {
      const stats = (await withDeadline('read container stats', this.options.timeoutMs, (abortSignal) =>
        this.docker.getContainer(containerId).stats(withSignal(abortSignal, { stream: false as const, 'one-shot': true })),
      )) as { memory_stats?: { usage?: number } };
      return stats.memory_stats?.usage ?? 0;
    } catch (err) {
      if (engineStatus(err) === 404) return 0;
      throw err;
    }
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
        Labels: { [LABELS.managed]: 'true', [LABELS.env]: 'host-firewall' },
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
      await container.remove({ force: true });
    }
  }
}

/**
 * The engine answers 409 when exec meets a stopped container: say what that means for a lab (its
 * main process was killed, e.g. `kill 1`) and what to do, instead of the engine's wording.
 */
/** Where lab-init (scenarios/images/tools/lab-init) finds its boot files, and what it prints. */
const BOOT_DIR = '/run/faultline';
const BOOT_READY_LINE = 'faultline: ready';
const BOOT_NOT_READY_LINE = 'faultline: not ready';

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ');
}

/**
 * What lab-init installs at boot: the resolver and lab host names (Docker bind-mounts
 * /etc/resolv.conf and /etc/hosts when the container starts, so they cannot be copied in before),
 * and the readiness probe it runs before reporting the host ready.
 */
function bootFiles(host: RenderedHost, hostsLines: string[], readyProbe: string | undefined): RenderedFile[] {
  const resolv = [
    ...(host.searchDomains.length > 0 ? [`search ${host.searchDomains.join(' ')}`] : []),
    ...(host.dnsServer ? [`nameserver ${host.dnsServer}`] : []),
    'options timeout:2 attempts:2',
  ];
  return [
    { path: `${BOOT_DIR}/resolv.conf`, mode: 0o644, content: Buffer.from(`${resolv.join('\n')}\n`) },
    { path: `${BOOT_DIR}/hosts`, mode: 0o644, content: Buffer.from(`# lab hosts\n${hostsLines.join('\n')}\n`) },
    ...(readyProbe ? [{ path: `${BOOT_DIR}/ready-probe`, mode: 0o644, content: Buffer.from(`${readyProbe}\n`) }] : []),
  ];
}

function containerOf(env: Environment, hostName: string): string {
  const id = env.containers[hostName];
  if (!id) throw new FaultlineError('not_found', `Environment ${env.id} has no host "${hostName}"`);
  return id;
}

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

async function packFiles(files: RenderedFile[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const f of files) {
    pack.entry({ name: f.path.replace(/^\/+/, ''), mode: f.mode, mtime: new Date() }, f.content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readSingleFile(archive: NodeJS.ReadableStream): Promise<Buffer> {
  const extract = tarStream.extract();
  archive.pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.type === 'file') return Buffer.concat(chunks);
  }
  throw new FaultlineError('not_found', 'the copied path is not a regular file');
}
