import { errorMessage } from '../errors/index.js';
import type { Lab, LabEnvironment } from '../lab/index.js';
import { logger } from '../logging/index.js';
import type { EngineWatch } from '../runtime/engine-watch.js';
import type { EventType } from './types.js';

/** What the host watch needs from the session service, which keeps the state and emits the events. */
export interface HostWatchHost {
  readonly lab: Lab;
  /** Sessions whose environment is up (ready or solved), with it. */
  running(): Array<{ id: string; lab: LabEnvironment }>;
  /** Hosts are down: close the shell, pause checks, and say so in the timeline and the status. */
  hold(id: string, type: EventType, data: Record<string, unknown>, message: string): void;
  /** Hosts are back, or will not be brought back: lift the hold, keep the notice, reopen the shell. */
  release(id: string, type: EventType, data: Record<string, unknown>, notice: string): void;
}

export interface HostWatchOptions {
  /** Restarts after a host stopped by itself (not an engine restart) allowed per environment... */
  maxRestarts: number;
  /** ...within this window; past that the host stays down and the session says why. */
  windowMs: number;
  /** Wait after a host stops before acting, so an engine going down is told apart from one host. */
  settleMs: number;
}

/**
 * Brings stopped lab hosts back with the same containers (files intact): a host whose processes
 * were all killed (`kill -9 -1`, lab-init killed) and every host after an engine restart. A
 * candidate cannot make the server loop: restarts after a host stopped are bounded per environment.
 */
export class HostWatch {
  private readonly restarts = new Map<string, number[]>();
  /** Environments whose hosts are no longer restarted (the bound was reached). */
  private readonly refused = new Set<string>();
  private readonly work = new Map<string, Promise<void>>();
  private engineDown = false;

  constructor(
    private readonly host: HostWatchHost,
    private readonly watch: EngineWatch,
    private readonly options: HostWatchOptions,
  ) {
    watch.on('died', (envId, containerId) => this.onDied(envId, containerId));
    watch.on('down', (reason) => this.onEngineDown(reason));
    watch.on('up', () => this.onEngineUp());
  }

  /**
   * Start watching, and bring back what is already stopped: re-adopted sessions whose hosts the
   * engine stopped while the server was down too (an engine upgrade, a host reboot).
   */
  start(): void {
    this.watch.start();
    for (const { lab } of this.host.running()) this.run(lab.env.id, () => this.reviveAfterEngine(lab.env.id, 'startup'));
  }

  stop(): void {
    this.watch.stop();
  }

  /** Resolves when no revival is under way (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work.values()]);
  }

  private session(envId: string): { id: string; lab: LabEnvironment } | undefined {
    return this.host.running().find((s) => s.lab.env.id === envId);
  }

  private onDied(envId: string, containerId: string): void {
    if (this.engineDown || this.refused.has(envId) || this.work.has(envId)) return;
    const session = this.session(envId);
    if (!session) return;
    // Held at once, before the terminal tries to open a shell on the stopped host.
    const name = Object.entries(session.lab.env.containers).find(([, id]) => id === containerId)?.[0] ?? 'a';
    this.host.hold(session.id, 'host_stopped', { hosts: [name] }, `The ${name} host stopped (its processes were killed); starting it again with its files`);
    this.run(envId, () => this.reviveAfterStop(envId));
  }

  private onEngineDown(reason: string): void {
    this.engineDown = true;
    for (const { id } of this.host.running()) {
      this.host.hold(
        id,
        'engine_down',
        { reason },
        'The Docker engine running this environment stopped; the environment will be started again, with its files, once the engine is back',
      );
    }
  }

  private onEngineUp(): void {
    this.engineDown = false;
    for (const { lab } of this.host.running()) {
      const envId = lab.env.id;
      const previous = this.work.get(envId) ?? Promise.resolve();
      this.run(envId, () => previous.then(() => this.reviveAfterEngine(envId)));
    }
  }

  private run(envId: string, task: () => Promise<void>): void {
    const work = task()
      .catch((err: unknown) => logger.error({ envId, err: errorMessage(err) }, 'bringing hosts back failed'))
      .finally(() => {
        if (this.work.get(envId) === work) this.work.delete(envId);
      });
    this.work.set(envId, work);
  }

  private async reviveAfterStop(envId: string): Promise<void> {
    await new Promise((r) => setTimeout(r, this.options.settleMs));
    // The engine itself is going away: its `up` brings everything back.
    if (!(await this.watch.ping()) || this.engineDown) return;
    const session = this.session(envId);
    if (!session) return;
    const stopped = await this.host.lab.stoppedHosts(session.lab);
    if (stopped.length === 0) {
      this.host.release(session.id, 'host_restarted', { hosts: [] }, 'The environment is running again');
      return;
    }
    const names = stopped.join(', ');
    const now = Date.now();
    const recent = (this.restarts.get(envId) ?? []).filter((t) => now - t < this.options.windowMs);
    if (recent.length >= this.options.maxRestarts) {
      this.refused.add(envId);
      const minutes = Math.round(this.options.windowMs / 60_000);
      this.host.release(
        session.id,
        'host_restart_refused',
        { hosts: stopped, restarts: recent.length, windowMinutes: minutes },
        `The ${names} host stopped again (every process on it was killed) after ${recent.length} automatic restarts within ${minutes} minutes; ` +
          'it is not restarted again. Reset the environment to start over (that rebuilds it; files on it are lost)',
      );
      return;
    }
    recent.push(now);
    this.restarts.set(envId, recent);
    await this.bringBack(session, 'host_restarted', { hosts: stopped, restart: recent.length, of: this.options.maxRestarts }, (started) =>
      `The ${started} host restarted after all its processes were killed: files are kept; running programs, shells and changes made ` +
      `at run time (routes, firewall rules) are not, and the host's own start-up setup ran again (automatic restart ${recent.length} of at most ${this.options.maxRestarts} in ${Math.round(this.options.windowMs / 60_000)} minutes)`,
    );
  }

  private async reviveAfterEngine(envId: string, when: 'engine_back' | 'startup' = 'engine_back'): Promise<void> {
    const session = this.session(envId);
    if (!session || this.engineDown) return;
    const stopped = await this.host.lab.stoppedHosts(session.lab);
    // Found running at start: nothing happened to it.
    if (when === 'startup' && stopped.length === 0) return;
    this.host.hold(
      session.id,
      'engine_back',
      { hosts: stopped },
      when === 'startup' ? 'The environment was found stopped when the server started; starting it again with its files' : 'The Docker engine is back; starting the environment again with its files',
    );
    await this.bringBack(session, 'host_restarted', { hosts: stopped, cause: 'engine' }, () =>
      'The Docker engine restarted and stopped this environment; it was started again: files are kept; running programs, shells ' +
      "and changes made at run time (routes, firewall rules) are not, and each host's own start-up setup ran again",
    );
  }

  private async bringBack(
    session: { id: string; lab: LabEnvironment },
    type: EventType,
    data: Record<string, unknown>,
    notice: (started: string) => string,
  ): Promise<void> {
    try {
      const started = await this.host.lab.revive(session.lab);
      if (this.session(session.lab.env.id)?.id !== session.id) return;
      this.host.release(session.id, type, { ...data, started }, notice(started.join(', ') || 'stopped'));
    } catch (err) {
      // The engine went away meanwhile: its `up` tries again.
      if (!(await this.watch.ping()) || this.engineDown) return;
      this.host.release(
        session.id,
        'host_restart_failed',
        { error: errorMessage(err) },
        `The environment could not be started again (${errorMessage(err)}); reset it to start over (that rebuilds it; files on it are lost)`,
      );
    }
  }
}
