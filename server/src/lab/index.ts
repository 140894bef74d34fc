import crypto from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { runChecks, type CheckResult } from '../checks/index.js';
import { runCandidateSteps, sshReach, type SshReach } from '../runtime/candidate-steps.js';
import { assertDockerReachable, createDockerClient } from '../runtime/docker.js';
import { EnvironmentRuntime, newEnvironmentId, type CreateOptions, type Environment } from '../runtime/environments.js';
import type { Shell } from '../runtime/exec.js';
import { EngineWatch } from '../runtime/engine-watch.js';
import { startCheckerIfStopped, startStoppedHosts, stoppedHostNames } from '../runtime/revive.js';
import { ImageManager, type Progress } from '../runtime/images.js';
import { buildServerImage } from '../runtime/server-image.js';
import { loadCatalogue, type Catalogue, type Scenario } from '../scenarios/loader.js';
import { renderScenario, type RenderedCheck, type RenderedScenario } from '../scenarios/render.js';
import { CHECKER_HOST } from '../scenarios/schema.js';
import { logger } from '../logging/index.js';
import { WarmPool } from './pool.js';
import { StartQueue, type ReserveOptions, type StartTicket } from './start-queue.js';

/** A running environment together with the concrete scenario it was built from. */
export interface LabEnvironment {
  env: Environment;
  rendered: RenderedScenario;
  /** Escalations applied so far; their checks join the scenario's. */
  escalations: string[];
  /**
   * A login shell opened ahead of time on the terminal host (warm pool), paused so its prompt
   * waits in the socket for whoever takes it; `takeShell` hands it out once, still paused (attach
   * a data listener, then resume).
   */
  shell?: Shell | undefined;
}

/** Size a pre-opened shell starts at; the session resizes it to the candidate's screen on attach. */
const WARM_SHELL_SIZE = { cols: 80, rows: 24 };

export interface UpOptions extends CreateOptions {
  seed?: string;
  /** The place in the start queue taken at admission; without one, the start queues unrefused. */
  ticket?: StartTicket;
  /** Aborted when nobody wants the environment any more: a start still waiting for its turn is dropped. */
  signal?: AbortSignal;
}

export function newSeed(): string {
  return crypto.randomBytes(4).toString('hex');
}

/**
 * Owner label of what a server makes for its pool or its sessions: one per data dir, so two
 * servers on one engine never take each other's environments for their own.
 */
export function ownerLabel(dataDir: string, kind: 'pool' | 'session'): string {
  return `${kind}-${crypto.createHash('sha256').update(dataDir).digest('hex').slice(0, 10)}`;
}

/**
 * The lab: the scenario catalogue plus the runtime. Callers (CLI, sessions) ask it to bring a
 * scenario up, run its checks, apply its solve or an escalation, and take it down.
 */
export class Lab {
  readonly runtime: EnvironmentRuntime;
  readonly images: ImageManager;
  catalogue: Catalogue;
  /** Set by `startPool` (the server); CLI commands and tests start cold unless they ask. */
  pool: WarmPool | undefined;
  /** Cold starts take turns here: a burst waits instead of overrunning the engine's deadlines. */
  readonly starts: StartQueue;
  /** Environments being brought up by this process. */
  private readonly building = new Set<string>();

  constructor(readonly config: Config) {
    const docker = createDockerClient();
    this.images = new ImageManager(docker, path.join(config.scenariosDir, 'images'), config.dockerTimeoutMs, config.images);
    this.runtime = new EnvironmentRuntime(docker, this.images, {
      subnetPool: config.subnetPool,
      limits: config.limits,
      readyTimeoutMs: config.readyTimeoutMs,
      timeoutMs: config.dockerTimeoutMs,
    });
    this.catalogue = loadCatalogue(config.scenariosDir);
    this.starts = new StartQueue(config.startConcurrency, config.startQueueMax);
  }

  /**
   * Admit a start: a place in the queue, or lab_full when too many already wait (unless a warm
   * environment can serve it at once). Taken before anything is created, so a refusal is immediate.
   */
  reserveStart(scenarioId: string, seed: string | undefined, options: ReserveOptions = {}): StartTicket {
    const warm = this.pool?.enabled && seed === undefined && this.pool.hasReady(scenarioId);
    return this.starts.reserve({ ...options, admission: options.admission !== false && !warm });
  }

  /**
   * A start of this scenario is expected soon (a booked interview's candidate is in the lobby, a
   * plan's next part): the warm pool keeps one ready for it, when there is a pool.
   */
  expect(scenarioId: string): void {
    if (this.pool?.enabled) this.pool.want(scenarioId);
  }

  /** Check the engine answers, build what is missing, and close the host off from lab networks. */
  async prepare(progress: Progress): Promise<void> {
    progress('checking the Docker engine...');
    await assertDockerReachable(this.runtime.docker);
    await this.images.ensureAll(progress);
    if (this.config.hostFirewall) {
      progress('installing the host firewall rule for lab networks...');
      await this.runtime.ensureHostFirewall();
    }
  }

  /**
   * The server's own image (docker-compose), FROM this lab's base image. Call `prepare` first: the
   * base must exist, and the server in the container finds the lab images it needs on the engine.
   */
  async buildServerImage(root: string, tag: string, progress: Progress): Promise<void> {
    await buildServerImage(this.runtime.docker, { root, tag, baseImage: this.images.baseImage, progress });
  }

  scenario(id: string): Scenario {
    const scenario = this.catalogue.scenarios.get(id);
    if (!scenario) throw new FaultlineError('not_found', `Unknown scenario "${id}"; \`faultline list\` shows the catalogue`);
    return scenario;
  }

  /** Memory in use by the warm pool's idle environments (engine stats, one sample each). */
  async poolMemoryBytes(): Promise<number> {
    const ids = (this.pool?.environments() ?? []).flatMap((e) => Object.values(e.env.containers));
    const usages = await Promise.all(ids.map((id) => this.runtime.memoryUsage(id)));
    return usages.reduce((a, b) => a + b, 0);
  }

  private get poolOwner(): string {
    return ownerLabel(this.config.dataDir, 'pool');
  }

  /** Owner label for the environments of this server's sessions. */
  get sessionOwner(): string {
    return ownerLabel(this.config.dataDir, 'session');
  }

  /**
   * Made by a server on this data dir (now or before a restart), so recovery and the janitor may
   * remove it once no live session holds it, whether or not a session record points to it (a
   * start cut off by a crash, a network whose creation timed out but succeeded on the engine). A claimed pooled environment keeps its pool label (a
   * running container cannot be relabelled): the session store, not the label, says it is taken.
   */
  madeHere(env: Environment): boolean {
    return env.owner === this.poolOwner || env.owner === this.sessionOwner;
  }

  /**
   * Held by this process right now: being built, or warm in the pool. Such an environment has no
   * session pointing to it yet and must not be taken for a leftover.
   */
  holds(envId: string): boolean {
    return this.building.has(envId) || (this.pool?.environments().some((l) => l.env.id === envId) ?? false);
  }

  /**
   * Track an environment while it is built; released a turn after the build settles, so whoever
   * takes it over (the pool, a session) has recorded it before it stops counting as held.
   */
  private async whileBuilding<T>(envId: string, build: () => Promise<T>): Promise<T> {
    this.building.add(envId);
    try {
      return await build();
    } finally {
      setImmediate(() => this.building.delete(envId));
    }
  }

  /** Keep warm environments per the config, so a session starts without waiting for containers. */
  startPool(): WarmPool {
    const { size, prewarm, maxAgeMinutes } = this.config.pool;
    for (const id of prewarm) this.scenario(id);
    this.pool = new WarmPool(
      { size, prewarm, maxAgeMs: maxAgeMinutes * 60_000 },
      (id) => this.warmUp(id, { ttlMinutes: this.config.envTtlMinutes + maxAgeMinutes, owner: this.poolOwner }),
      (lab) => this.release(lab),
    );
    return this.pool;
  }

  /**
   * Bring a scenario up for someone: a warm pooled environment when one is ready (and no specific
   * seed was asked for), otherwise a cold start.
   */
  async up(scenarioId: string, opts: UpOptions): Promise<LabEnvironment> {
    this.scenario(scenarioId);
    if (this.pool?.enabled && opts.seed === undefined) {
      const warm = this.pool.claim(scenarioId);
      if (warm) {
        opts.ticket?.release();
        opts.onPhase?.('ready', 'handed a warm environment from the pool');
        return warm;
      }
    }
    const envId = newEnvironmentId();
    return this.whileBuilding(envId, () => this.coldUp(scenarioId, opts, envId));
  }

  /** A pooled environment: up, with its login shell already started, so a claim shows a prompt at once. */
  private warmUp(scenarioId: string, opts: UpOptions): Promise<LabEnvironment> {
    const envId = newEnvironmentId();
    return this.whileBuilding(envId, async () => {
      const lab = await this.coldUp(scenarioId, opts, envId);
      try {
        lab.shell = await this.runtime.openShell(lab.env, WARM_SHELL_SIZE);
        lab.shell.stream.pause();
      } catch (err) {
        await this.down(lab.env.id);
        throw err;
      }
      return lab;
    });
  }

  /**
   * The shell opened ahead for this environment, if it is still alive; later calls get undefined
   * (one shell per terminal), and the caller opens a fresh one.
   */
  takeShell(lab: LabEnvironment): Shell | undefined {
    const shell = lab.shell;
    lab.shell = undefined;
    if (shell && !shell.stream.destroyed && shell.stream.readable) return shell;
    shell?.stream.destroy();
    return undefined;
  }

  /** Take down an environment along with any shell still held for it. */
  release(lab: LabEnvironment): Promise<void> {
    this.takeShell(lab)?.stream.destroy();
    return this.down(lab.env.id);
  }

  /** A cold start, when its turn in the start queue comes. */
  private coldUp(scenarioId: string, opts: UpOptions, envId: string): Promise<LabEnvironment> {
    const ticket = opts.ticket ?? this.starts.reserve();
    return ticket.run(() => this.build(scenarioId, opts, envId), opts.signal);
  }

  private async build(scenarioId: string, opts: UpOptions, envId: string): Promise<LabEnvironment> {
    const scenario = this.scenario(scenarioId);
    const seed = opts.seed ?? newSeed();
    const { subnet, networkId } = await this.runtime.allocate(envId, scenarioId, seed, opts).catch(async (err: unknown) => {
      // A failed creation may still have left a network labelled with the environment.
      await this.runtime.destroy(envId).catch((cleanupErr: unknown) =>
        logger.error({ envId, err: errorMessage(cleanupErr) }, 'cleanup after a failed network creation also failed'),
      );
      throw err;
    });
    let rendered: RenderedScenario;
    try {
      rendered = renderScenario(scenario, { envId, subnet, seed });
    } catch (err) {
      await this.runtime.destroy(envId);
      throw err;
    }
    const env = await this.runtime.create(rendered, networkId, opts);
    return { env, rendered, escalations: [] };
  }

  /** Rebuild the concrete scenario of an environment found on the engine (after a restart). */
  adopt(env: Environment, escalations: string[] = []): LabEnvironment {
    const scenario = this.scenario(env.scenarioId);
    const rendered = renderScenario(scenario, { envId: env.id, subnet: env.subnet, seed: env.seed });
    env.terminalHost = rendered.hosts.find((h) => h.terminal)?.name ?? '';
    return { env, rendered, escalations };
  }

  activeChecks(lab: LabEnvironment): RenderedCheck[] {
    const extra = lab.rendered.escalations.filter((e) => lab.escalations.includes(e.id)).flatMap((e) => e.checks);
    return [...lab.rendered.checks, ...extra];
  }

  checks(lab: LabEnvironment): Promise<CheckResult[]> {
    return runChecks(this.runtime, lab.env, this.activeChecks(lab));
  }

  /**
   * The reference fix: the scenario's solve, then the solve of each applied escalation, typed on
   * the terminal host as a candidate would (other hosts through ssh), never through the engine.
   */
  async solve(lab: LabEnvironment): Promise<void> {
    await runCandidateSteps(this.runtime, lab.env, lab.rendered.hosts, lab.rendered.solve);
    for (const id of lab.escalations) await this.solveEscalation(lab, id);
  }

  /** One applied escalation's reference fix, typed on the terminal host like the scenario's. */
  async solveEscalation(lab: LabEnvironment, escalationId: string): Promise<void> {
    const escalation = lab.rendered.escalations.find((e) => e.id === escalationId);
    if (!escalation) {
      throw new FaultlineError('not_found', `Scenario ${lab.rendered.scenarioId} has no escalation "${escalationId}"`);
    }
    await runCandidateSteps(this.runtime, lab.env, lab.rendered.hosts, escalation.solve);
  }

  /**
   * Whether a candidate on the terminal host gets a shell on each other host with `ssh <host>`,
   * directly or, when the fault is in the way, through another host (`ssh -J`).
   */
  sshReach(lab: LabEnvironment): Promise<SshReach[]> {
    return sshReach(this.runtime, lab.env, lab.rendered.hosts, lab.rendered.hosts.map((h) => h.name), { throughOthers: true });
  }

  async escalate(lab: LabEnvironment, escalationId: string): Promise<void> {
    const escalation = lab.rendered.escalations.find((e) => e.id === escalationId);
    if (!escalation) {
      throw new FaultlineError('not_found', `Scenario ${lab.rendered.scenarioId} has no escalation "${escalationId}"`);
    }
    if (lab.escalations.includes(escalationId)) {
      throw new FaultlineError('conflict', `Escalation "${escalationId}" is already applied`);
    }
    await this.runtime.runSteps(lab.env, escalation.setup);
    lab.escalations.push(escalationId);
  }

  /** Hosts of the environment that are not running (a candidate killed everything, the engine restarted). */
  stoppedHosts(lab: LabEnvironment): Promise<string[]> {
    return stoppedHostNames(this.runtime, lab.env, this.config.dockerTimeoutMs);
  }

  /**
   * Start the environment's stopped hosts again, servers before the terminal host, then apply the
   * fault's setup steps (the scenario's, then each applied escalation's) that target them once
   * more: a restart clears what setup did at run time (routes, firewall rules) and lab-init writes
   * a working resolver at boot, so without this `kill -9 -1` on a host would fix its fault.
   * The checker starts again too, and is sealed again. Returns the names of the hosts started.
   */
  async revive(lab: LabEnvironment): Promise<string[]> {
    const started = await startStoppedHosts(this.runtime, lab.env, lab.rendered.hosts, this.config.dockerTimeoutMs);
    const checkerStarted = await startCheckerIfStopped(this.runtime, lab.env, this.config.dockerTimeoutMs);
    // A restarted host may come back with another link address; a restarted checker lost its rules.
    if (started.length > 0 || checkerStarted) await this.runtime.sealChecker(lab.env, lab.rendered.hosts);
    const touched = new Set(started);
    // The checker's files survive a restart; what setup ran there (a route) does not. Files are
    // never copied to it again: by now the host they came from is the candidate's to rewrite.
    const setup = [lab.rendered.setup, ...lab.escalations.map((id) => lab.rendered.escalations.find((e) => e.id === id)?.setup ?? [])]
      .flat()
      .filter((step) => (step.kind === 'run' ? touched.has(step.host) || (checkerStarted && step.host === CHECKER_HOST) : touched.has(step.toHost)));
    await this.runtime.runSteps(lab.env, setup);
    return started;
  }

  /** Watch for lab containers stopping and for the engine going away and coming back. */
  watchEngine(options: { pingMs: number; sweepMs: number }): EngineWatch {
    return new EngineWatch(this.runtime.docker, { ...options, timeoutMs: this.config.dockerTimeoutMs });
  }

  down(envId: string): Promise<void> {
    return this.runtime.destroy(envId);
  }
}
