import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics for /metrics: process defaults, requests, live sessions and sockets. */
export class Metrics {
  private readonly registry = new Registry();
  private readonly requests: Counter;
  private readonly latency: Histogram;

  constructor(sources: { liveSessions: () => number; terminalConnections: () => number }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'faultline_' });
    this.requests = new Counter({ name: 'faultline_http_requests_total', help: 'HTTP requests', labelNames: ['method', 'status'], registers: [this.registry] });
    this.latency = new Histogram({
      name: 'faultline_http_request_seconds',
      help: 'HTTP request duration',
      buckets: [0.005, 0.02, 0.1, 0.5, 2, 10],
      registers: [this.registry],
    });
    new Gauge({
      name: 'faultline_sessions_live',
      help: 'Sessions starting, ready or solved',
      registers: [this.registry],
      collect() {
        this.set(sources.liveSessions());
      },
    });
    new Gauge({
      name: 'faultline_terminal_connections',
      help: 'Open terminal WebSockets',
      registers: [this.registry],
      collect() {
        this.set(sources.terminalConnections());
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

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
