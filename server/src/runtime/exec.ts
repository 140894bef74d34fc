import { PassThrough, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import { withDeadline, withSignal } from './docker.js';

export interface ScriptResult {
  exitCode: number;
  /** stdout and stderr interleaved in arrival order. */
  output: string;
  durationMs: number;
  timedOut: boolean;
}

/** Exit code of coreutils `timeout` when it had to stop the command. */
const TIMEOUT_EXIT = 124;
const MAX_OUTPUT = 64 * 1024;

/**
 * Run a script in a container without a TTY. The script goes in on stdin, so its text never lands
 * on the container's disk or in its process list where a candidate could read the answer.
 */
export async function runScript(
  docker: Docker,
  containerId: string,
  script: string,
  opts: { timeoutSeconds: number; env?: Record<string, string> },
): Promise<ScriptResult> {
  const started = Date.now();
  const deadlineMs = opts.timeoutSeconds * 1000 + 5000;
  const exec = await withDeadline('create an exec', deadlineMs, (abortSignal) =>
    docker.getContainer(containerId).exec({
      Cmd: ['timeout', '-k', '2', String(opts.timeoutSeconds), 'bash', '-s'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      Env: Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`),
      abortSignal,
    } as Docker.ExecCreateOptions),
  );
  const stream = (await withDeadline('start an exec', deadlineMs, (abortSignal) =>
    exec.start({ hijack: true, stdin: true, abortSignal } as Docker.ExecStartOptions),
  )) as Duplex;

  let output = '';
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    if (output.length < MAX_OUTPUT) output += chunk.toString('utf8');
  });
  docker.modem.demuxStream(stream, sink, sink);

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new FaultlineError('timeout', `script did not finish within ${deadlineMs} ms`));
    }, deadlineMs);
    stream.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on('error', (err) => {
      clearTimeout(timer);
      reject(new FaultlineError('docker_failed', `exec stream failed: ${errorMessage(err)}`, { cause: err }));
    });
    stream.end(script.endsWith('\n') ? script : `${script}\n`);
  });
  const info = await withDeadline('inspect an exec', 10_000, (abortSignal) => exec.inspect(withSignal(abortSignal)));
  const exitCode = info.ExitCode ?? -1;
  return { exitCode, output, durationMs: Date.now() - started, timedOut: exitCode === TIMEOUT_EXIT };
}

export interface Shell {
  stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
}

/** Open an interactive login shell with a TTY: one per terminal, for the life of the session. */
export async function openShell(
  docker: Docker,
  containerId: string,
  opts: { cols: number; rows: number; timeoutMs: number },
): Promise<Shell> {
  const exec = await withDeadline('create the shell', opts.timeoutMs, (abortSignal) =>
    docker.getContainer(containerId).exec({
      Cmd: ['bash', '-l'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ['TERM=xterm-256color', 'LANG=C.UTF-8', `COLUMNS=${opts.cols}`, `LINES=${opts.rows}`],
      WorkingDir: '/root',
      abortSignal,
    } as Docker.ExecCreateOptions),
  );
  const stream = (await withDeadline('start the shell', opts.timeoutMs, (abortSignal) =>
    exec.start({ hijack: true, stdin: true, Tty: true, abortSignal } as Docker.ExecStartOptions),
  )) as Duplex;
  const resize = async (cols: number, rows: number) => {
    // The engine refuses a resize before the process is running or after it exited; neither is
    // worth failing a session over, but it is logged by the caller through the rejection.
    await exec.resize({ w: cols, h: rows });
  };
  await resize(opts.cols, opts.rows).catch((err: unknown) =>
    logger.debug({ err: errorMessage(err) }, 'initial shell resize refused; the shell starts at COLUMNS/LINES'),
  );
  return { stream, resize };
}
