import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import { LABELS, withDeadline, withSignal } from './docker.js';
import { managedFilter } from './network.js';

export interface EngineWatchOptions {
  /** How often the engine is pinged (and the event stream reopened if it ended). */
  pingMs: number;
  /** How often stopped lab containers are looked for, in case a `die` event was missed. */
  sweepMs: number;
  timeoutMs: number;
}

interface EngineWatchEvents {
  /** A lab container stopped (event, or found stopped by the sweep). May repeat for one stop. */
  died: [envId: string, containerId: string];
  /** The engine stopped answering. */
  down: [reason: string];
  /** The engine answers again after being down. */
  up: [];
}

/**
 * Watches the engine for lab containers that stop and for the engine itself going away and
 * coming back. The event stream ends silently when the engine restarts (security-notes.md), so
 * a ping loop tells when it is down or back and reopens the stream, and a periodic sweep for
 * stopped containers covers events missed meanwhile.
 */
export class EngineWatch extends EventEmitter<EngineWatchEvents> {
  private stream: Readable | undefined;
  private engineUp = true;
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private pinging = false;
  private sweeping = false;

  constructor(
    private readonly docker: Docker,
    private readonly options: EngineWatchOptions,
  ) {
    super();
  }

  get up(): boolean {
    return this.engineUp;
  }

  start(): void {
    this.openEvents();
    this.timers.push(setInterval(() => void this.ping(), this.options.pingMs).unref());
    this.timers.push(setInterval(() => void this.sweep(), this.options.sweepMs).unref());
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.stream?.destroy();
    this.stream = undefined;
  }

  /** Ping now; emits `down` or `up` on a change. Resolves to whether the engine answered. */
  async ping(): Promise<boolean> {
    if (this.pinging || this.stopped) return this.engineUp;
    this.pinging = true;
    try {
      // dockerode's ping takes an abort signal; its type definitions do not say so.
      const ping = this.docker.ping.bind(this.docker) as unknown as (opts: object) => Promise<unknown>;
      await withDeadline('ping', Math.min(this.options.timeoutMs, 5000), (abortSignal) => ping(withSignal(abortSignal)));
      if (!this.engineUp && !this.stopped) {
        this.engineUp = true;
        logger.info('the Docker engine answers again');
        this.openEvents();
        this.emit('up');
      } else if (!this.stream) {
        this.openEvents();
      }
    } catch (err) {
      if (this.engineUp && !this.stopped) {
        this.engineUp = false;
        this.stream?.destroy();
        this.stream = undefined;
        logger.warn({ err: errorMessage(err) }, 'the Docker engine stopped answering');
        this.emit('down', errorMessage(err));
      }
    } finally {
      this.pinging = false;
    }
    return this.engineUp;
  }

  private openEvents(): void {
    if (this.stopped || this.stream) return;
    const filters = { type: ['container' as const], event: ['die'], label: managedFilter().label };
    this.docker
      .getEvents({ filters })
      .then((raw) => {
        const stream = raw as Readable;
        if (this.stopped || this.stream) {
          stream.destroy();
          return;
        }
        this.stream = stream;
        let pending = '';
        stream.on('data', (chunk: Buffer) => {
          pending += chunk.toString('utf8');
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) this.onEvent(line);
        });
        // Ends when the engine goes away; the ping loop reopens it once it answers.
        const ended = () => {
          if (this.stream === stream) this.stream = undefined;
        };
        stream.on('end', ended);
        stream.on('close', ended);
        stream.on('error', (err) => {
          logger.debug({ err: errorMessage(err) }, 'engine event stream error');
          ended();
        });
      })
      .catch((err: unknown) => logger.debug({ err: errorMessage(err) }, 'cannot open the engine event stream'));
  }

  private onEvent(line: string): void {
    if (!line.trim()) return;
    try {
      const event = JSON.parse(line) as { id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
      const envId = event.Actor?.Attributes?.[LABELS.env];
      const id = event.Actor?.ID ?? event.id;
      if (envId && id) this.emit('died', envId, id);
    } catch (err) {
      logger.debug({ err: errorMessage(err), line: line.slice(0, 200) }, 'unreadable engine event');
    }
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.stopped || !this.engineUp) return;
    this.sweeping = true;
    try {
      const filters = { ...managedFilter(), status: ['exited', 'dead'] };
      const stopped = await withDeadline('list stopped containers', this.options.timeoutMs, (abortSignal) =>
        this.docker.listContainers(withSignal(abortSignal, { all: true, filters })),
      );
      for (const c of stopped) {
        const envId = c.Labels?.[LABELS.env];
        if (envId) this.emit('died', envId, c.Id);
      }
    } catch (err) {
      logger.debug({ err: errorMessage(err) }, 'sweep for stopped containers failed');
    } finally {
      this.sweeping = false;
    }
  }
}
