import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PoolStats } from '../lab/pool.js';

export interface MetricSources {
  sessionsByState: () => Record<string, number>;
  terminalConnections: () => number;
  terminalTraffic: () => { bytesOut: number; bytesIn: number };
  /** Environments and containers on the engine (listed at scrape time). */
  environments: () => Promise<{ environments: number; containers: number }>;
  pool: () => PoolStats[];
  /** Memory the warm pool's idle environments use right now, in bytes. */
  poolMemoryBytes: () => Promise<number>;
  /** The start queue: environments being brought up, and starts waiting for a turn. */
  startQueue: () => { active: number; waiting: number };
}

/**
 * Prometheus metrics for /metrics: process defaults, HTTP, sessions by state, the start queue, start latency,
 * check durations, terminal connections and bytes, environments and containers alive, and the
 * warm pool's size and memory cost.
 */
export class Metrics {
  private readonly registry = new Registry();
  private readonly requests: Counter;
  private readonly latency: Histogram;
  private readonly startLatency: Histogram;
  private readonly checkDuration: Histogram;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'faultline_' });
    this.requests = new Counter({ name: 'faultline_http_requests_total', help: 'HTTP requests', labelNames: ['method', 'status'], registers });
    this.latency = new Histogram({
      name: 'faultline_http_request_seconds',
      help: 'HTTP request duration',
      buckets: [0.005, 0.02, 0.1, 0.5, 2, 10],
      registers,
    });
    this.startLatency = new Histogram({
      name: 'faultline_session_start_seconds',
      help: 'From session creation to a ready environment',
      labelNames: ['source'],
      buckets: [0.1, 0.3, 0.5, 1, 2, 3, 5, 10, 20, 60],
      registers,
    });
    this.checkDuration = new Histogram({
      name: 'faultline_check_seconds',
      help: 'Duration of one scenario check',
      labelNames: ['passed'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: 'faultline_start_queue',
      help: 'Environment starts under way (active) and waiting for a turn (waiting)',
      labelNames: ['status'],
      registers,
      collect() {
        const { active, waiting } = sources.startQueue();
        this.set({ status: 'active' }, active);
        this.set({ status: 'waiting' }, waiting);
      },
    });
    new Gauge({
      name: 'faultline_sessions',
      help: 'Live sessions by state',
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        for (const [state, n] of Object.entries(sources.sessionsByState())) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'faultline_terminal_connections',
      help: 'Open terminal WebSockets',
      registers,
      collect() {
        this.set(sources.terminalConnections());
      },
    });
    const traffic = new Gauge({
      name: 'faultline_terminal_bytes',
      help: 'Terminal bytes since start: out = streamed to browsers, in = typed by candidates',
      labelNames: ['direction'],
      registers,
      collect() {
        const t = sources.terminalTraffic();
        traffic.set({ direction: 'out' }, t.bytesOut);
        traffic.set({ direction: 'in' }, t.bytesIn);
      },
    });
    const alive = new Gauge({
      name: 'faultline_engine_objects',
      help: 'Lab environments and containers alive on the Docker engine',
      labelNames: ['kind'],
      registers,
      async collect() {
        const { environments, containers } = await sources.environments();
        alive.set({ kind: 'environments' }, environments);
        alive.set({ kind: 'containers' }, containers);
      },
    });
    const pool = new Gauge({
      name: 'faultline_pool_environments',
      help: 'Warm pool environments per scenario (ready or being built)',
      labelNames: ['scenario', 'status'],
      registers,
      collect() {
        pool.reset();
        for (const s of sources.pool()) {
          pool.set({ scenario: s.scenario, status: 'ready' }, s.ready);
          pool.set({ scenario: s.scenario, status: 'filling' }, s.filling);
        }
      },
    });
    new Gauge({
      name: 'faultline_pool_memory_bytes',
      help: 'Memory used by the warm pool’s idle environments',
      registers,
      async collect() {
        this.set(await sources.poolMemoryBytes());
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  request(method: string, status: number, ms: number): void {
    this.requests.inc({ method, status: String(status) });
    this.latency.observe(ms / 1000);
  }

  sessionStarted(seconds: number, source: 'cold' | 'pool'): void {
    this.startLatency.observe({ source }, seconds);
  }

  checkRan(seconds: number, passed: boolean): void {
    this.checkDuration.observe({ passed: String(passed) }, seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
