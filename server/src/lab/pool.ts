import { errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import type { LabEnvironment } from './index.js';

export interface PoolOptions {
  /** Ready environments kept per warm scenario. */
  size: number;
  /** Scenarios warmed at start; others start warming the first time they are used. */
  prewarm: string[];
  /** A pooled environment older than this is replaced, so a claimed one has its whole TTL ahead. */
  maxAgeMs: number;
}

export interface PoolStats {
  scenario: string;
  ready: number;
  filling: number;
}

interface Pooled {
  lab: LabEnvironment;
  createdAt: number;
}

/**
 * Warm pool: pristine environments brought up ahead of demand, handed out whole on claim. Nobody
 * has typed in a pooled environment: its only shell is one the lab opened and holds paused for the
 * claimer, and nothing but the runtime has touched it; once claimed it
 * leaves the pool for good. Refills run in the background one environment at a time, so a burst of
 * claims never competes with cold starts for the engine. Seeds: pooled environments draw a random
 * seed when they are built; a request for a specific seed bypasses the pool.
 */
export class WarmPool {
  private readonly ready = new Map<string, Pooled[]>();
  private readonly filling = new Map<string, number>();
  private readonly wanted = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly options: PoolOptions,
    private readonly build: (scenarioId: string) => Promise<LabEnvironment>,
    private readonly destroy: (lab: LabEnvironment) => Promise<void>,
  ) {
    for (const id of options.prewarm) this.want(id);
    this.timer = setInterval(() => this.recycleOld(), Math.min(60_000, options.maxAgeMs / 2)).unref();
  }

  get enabled(): boolean {
    return this.options.size > 0;
  }

  /** Mark a scenario as worth keeping warm and top its pool up. */
  want(scenarioId: string): void {
    if (!this.enabled || this.stopped) return;
    this.wanted.add(scenarioId);
    this.refill(scenarioId);
  }

  /** Whether a claim would be served at once. */
  hasReady(scenarioId: string): boolean {
    return (this.ready.get(scenarioId) ?? []).some((p) => Date.now() - p.createdAt < this.options.maxAgeMs);
  }

  /** Take a ready environment, or undefined when none is warm yet. */
  claim(scenarioId: string): LabEnvironment | undefined {
    const list = this.ready.get(scenarioId) ?? [];
    const fresh = list.findIndex((p) => Date.now() - p.createdAt < this.options.maxAgeMs);
    const [taken] = fresh >= 0 ? list.splice(fresh, 1) : [];
    this.want(scenarioId);
    return taken?.lab;
  }

  stats(): PoolStats[] {
    return [...this.wanted].map((scenario) => ({
      scenario,
      ready: this.ready.get(scenario)?.length ?? 0,
      filling: this.filling.get(scenario) ?? 0,
    }));
  }

  /** Every environment currently held by the pool (for memory accounting). */
  environments(): LabEnvironment[] {
    return [...this.ready.values()].flat().map((p) => p.lab);
  }

  /** Stop refilling and remove every pooled environment. */
  async drain(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.queue;
    const all = [...this.ready.values()].flat();
    this.ready.clear();
    await Promise.all(all.map((p) => this.destroy(p.lab)));
  }

  private refill(scenarioId: string): void {
    const missing = this.options.size - (this.ready.get(scenarioId)?.length ?? 0) - (this.filling.get(scenarioId) ?? 0);
    for (let i = 0; i < missing; i++) {
      this.filling.set(scenarioId, (this.filling.get(scenarioId) ?? 0) + 1);
      this.queue = this.queue.then(() => this.fillOne(scenarioId));
    }
  }

  private async fillOne(scenarioId: string): Promise<void> {
    try {
      if (this.stopped) return;
      const lab = await this.build(scenarioId);
      if (this.stopped) {
        await this.destroy(lab);
        return;
      }
      const list = this.ready.get(scenarioId) ?? [];
      list.push({ lab, createdAt: Date.now() });
      this.ready.set(scenarioId, list);
    } catch (err) {
      logger.error({ scenario: scenarioId, err: errorMessage(err) }, 'warm pool could not build an environment');
    } finally {
      this.filling.set(scenarioId, (this.filling.get(scenarioId) ?? 1) - 1);
    }
  }

  private recycleOld(): void {
    for (const [scenarioId, list] of this.ready) {
      const old = list.filter((p) => Date.now() - p.createdAt >= this.options.maxAgeMs);
      if (old.length === 0) continue;
      this.ready.set(scenarioId, list.filter((p) => !old.includes(p)));
      for (const p of old) {
        this.destroy(p.lab).catch((err: unknown) =>
          logger.error({ envId: p.lab.env.id, err: errorMessage(err) }, 'warm pool could not remove an old environment'),
        );
      }
      this.refill(scenarioId);
    }
  }
}
