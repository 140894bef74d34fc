import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { FaultlineError } from '../errors/index.js';
import type { RenderedHost } from '../scenarios/render.js';
import { withDeadline, withSignal } from './docker.js';

/** What lab-init (scenarios/images/tools/lab-init) prints once its host is up, or has given up. */
const BOOT_READY_LINE = 'faultline: ready';
const BOOT_NOT_READY_LINE = 'faultline: not ready';
const SERVICE_FAILED_LINE = 'lab-init: service failed to start';

/** lab-init and its helpers: what is left in `top` once they are set aside is what the host is busy with. */
const BOOT_PROCESSES = /docker-init|lab-init|^sleep /;

export interface BootWatch {
  ready: Promise<void>;
  /** The container's start call returned: only now does the readiness deadline begin to run. */
  started: (startMs: number) => void;
  close: () => void;
}

/**
 * A deadline that does not run until `begin()`: time spent waiting for a turn (in the start queue,
 * behind other containers' starts) never counts against it.
 */
export class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private begunAt: number | undefined;

  constructor(
    readonly ms: number,
    private readonly onExpire: (waitedMs: number) => void,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  begin(): void {
    if (this.begunAt !== undefined) return;
    const begunAt = Date.now();
    this.begunAt = begunAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onExpire(Date.now() - begunAt);
    }, this.ms);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Follow a host's lab-init from before it starts: `ready` settles when lab-init reports the host
 * booted (resolver and host names in place, sshd and the service started) and, if it was given a
 * readiness probe, the service passing it. No polling: the engine streams lab-init's output.
 */
export async function watchBoot(
  docker: Docker,
  containerId: string,
  host: RenderedHost,
  opts: { timeoutMs: number; readyTimeoutMs: number },
): Promise<BootWatch> {
  const { timeoutMs, readyTimeoutMs } = opts;
  const container = docker.getContainer(containerId);
  // No abort signal: the stream outlives any one request's deadline; `ready` has its own.
  const stream = (await withDeadline(`attach to ${host.name}`, timeoutMs, () =>
    container.attach({ stream: true, stdout: true, stderr: true }),
  )) as unknown as Readable;
  const output = new PassThrough();
  docker.modem.demuxStream(stream, output, output);
  let seen = '';
  let startMs = 0;
  let deadline: Deadline | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    const fail = (why: string) =>
      reject(new FaultlineError('environment_failed', `Host ${host.name} (${host.image}) ${why}: ${lastLines(seen) || 'no output'}`));
    deadline = new Deadline(readyTimeoutMs, (waitedMs) => {
      const advice = seen.includes(SERVICE_FAILED_LINE)
        ? 'Its service failed to start (the scenario or the image is broken)'
        : 'The engine or the machine is busy: raise FAULTLINE_READY_TIMEOUT_MS or lower FAULTLINE_START_CONCURRENCY';
      void busyWith(docker, containerId, timeoutMs).then((busy) =>
        fail(
          `was not ready ${Math.round(waitedMs / 1000)} s after its container started (the start call itself took ` +
            `${(startMs / 1000).toFixed(1)} s; ${busy}). ${advice}. lab-init's output so far`,
        ),
      );
    });
    output.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      if (seen.includes(BOOT_READY_LINE)) {
        deadline?.clear();
        resolve();
      } else if (seen.includes(BOOT_NOT_READY_LINE)) {
        deadline?.clear();
        fail('never passed its readiness probe');
      }
    });
    // Closed by us (the start failed) or by the engine (the container stopped): settle now, so
    // no timer outlives the attempt.
    stream.on('close', () => {
      deadline?.clear();
      if (!seen.includes(BOOT_READY_LINE)) fail('stopped while booting');
    });
  });
  // Whoever awaits `ready` sees a failure; this keeps an abandoned one from being unhandled.
  ready.catch(() => undefined);
  return {
    ready,
    started: (ms) => {
      startMs = ms;
      deadline?.begin();
    },
    close: () => stream.destroy(),
  };
}

/** What a host that is not ready yet is doing: its processes other than lab-init's own. */
async function busyWith(docker: Docker, containerId: string, timeoutMs: number): Promise<string> {
  try {
    const top = (await withDeadline('list the processes of a host that is not ready', Math.min(timeoutMs, 10_000), (abortSignal) =>
      // The engine needs the PID column to match processes to the container.
      docker.getContainer(containerId).top(withSignal(abortSignal, { ps_args: '-eo pid,args' })),
    )) as { Processes?: string[][] };
    const busy = (top.Processes ?? []).map((p) => (p.at(-1) ?? '').trim()).filter((cmd) => cmd && !BOOT_PROCESSES.test(cmd));
    return busy.length > 0 ? `still running: ${busy.slice(0, 4).join(', ')}` : 'only lab-init is left running';
  } catch (err) {
    return `its processes could not be listed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ');
}
