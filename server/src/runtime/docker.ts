import Docker from 'dockerode';
import { DockerUnavailableError, FaultlineError, errorMessage } from '../errors/index.js';

/** Label keys on every object Faultline creates; teardown and reconciliation find things by them. */
export const LABELS = {
  managed: 'faultline.managed',
  env: 'faultline.env',
  scenario: 'faultline.scenario',
  seed: 'faultline.seed',
  host: 'faultline.host',
  owner: 'faultline.owner',
  expiresAt: 'faultline.expires-at',
  contentHash: 'faultline.content-hash',
} as const;

/** Engine API version this project is written against (Debian 12's engine speaks 1.41). */
export const DOCKER_API_VERSION = 'v1.41';

export function describeDockerHost(): string {
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

export function createDockerClient(): Docker {
  // dockerode reads DOCKER_HOST / DOCKER_CERT_PATH itself; only the API version is pinned.
  return new Docker({ version: DOCKER_API_VERSION });
}

/**
 * Run one engine call with a deadline: engine calls can hang (security-notes.md), so every call
 * gets an AbortSignal and a typed error that says what was being done.
 */
export async function withDeadline<T>(
  what: string,
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await call(signal);
  } catch (err) {
    if (signal.aborted) {
      throw new FaultlineError('timeout', `Docker did not finish "${what}" within ${timeoutMs} ms`, { cause: err });
    }
    if (isConnectionError(err)) throw new DockerUnavailableError(describeDockerHost(), err);
    throw new FaultlineError('docker_failed', `Docker failed to ${what}: ${errorMessage(err)}`, { cause: err });
  }
}

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 'ECONNRESET';
}

/** HTTP status of an engine error (404 for a missing object, 409 for a conflict...). */
export function engineStatus(err: unknown): number | undefined {
  let e: unknown = err;
  while (e && typeof e === 'object') {
    const status = (e as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number') return status;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Fail early, with the fix, when no engine answers. */
export async function assertDockerReachable(docker: Docker, timeoutMs = 5000): Promise<void> {
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  } catch (err) {
    throw new DockerUnavailableError(describeDockerHost(), err);
  }
}

/**
 * Options object carrying an AbortSignal. The engine client accepts `abortSignal` on every call,
 * but its type definitions predate it, so it is attached here once instead of at each call site.
 */
export function withSignal(abortSignal: AbortSignal): object;
export function withSignal<T extends object>(abortSignal: AbortSignal, options: T): T;
export function withSignal(abortSignal: AbortSignal, options: object = {}): object {
  return { ...options, abortSignal };
}

/**
 * Follow an engine progress stream (a build or an import) to its end. The engine reports a failed
 * build inside the stream, not as an HTTP error, so the first `error` entry rejects; `onStep`
 * receives each build step line ("Step 3/12 : RUN ...").
 */
export function followEngineStream(docker: Docker, stream: NodeJS.ReadableStream, onStep?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: Array<{ error?: string }>) => {
        const failed = err?.message ?? output.find((o) => o.error)?.error;
        if (failed) reject(new Error(failed));
        else resolve();
      },
      (event: { stream?: string }) => {
        const line = event.stream?.trim();
        if (line?.startsWith('Step ')) onStep?.(line);
      },
    ),
  );
}
