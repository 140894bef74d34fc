import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { FaultlineError } from '../errors/index.js';
import type { RenderedHost } from '../scenarios/render.js';
import { withDeadline } from './docker.js';

/** What lab-init (scenarios/images/tools/lab-init) prints once its host is up, or has given up. */
const BOOT_READY_LINE = 'faultline: ready';
const BOOT_NOT_READY_LINE = 'faultline: not ready';

/** How long a host's readiness probe may take to pass before the environment is reported broken. */
const READY_TIMEOUT_MS = 30_000;

export interface BootWatch {
  ready: Promise<void>;
  close: () => void;
}

/**
 * Follow a host's lab-init from before it starts: `ready` settles when lab-init reports the host
 * booted (resolver and host names in place, sshd and the service started) and, if it was given a
 * readiness probe, the service passing it. No polling: the engine streams lab-init's output.
 */
export async function watchBoot(docker: Docker, containerId: string, host: RenderedHost, timeoutMs: number): Promise<BootWatch> {
  const container = docker.getContainer(containerId);
  // No abort signal: the stream outlives any one request's deadline; `ready` has its own.
  const stream = (await withDeadline(`attach to ${host.name}`, timeoutMs, () =>
    container.attach({ stream: true, stdout: true, stderr: true }),
  )) as unknown as Readable;
  const output = new PassThrough();
  docker.modem.demuxStream(stream, output, output);
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

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ');
}
