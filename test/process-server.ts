import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { INTERVIEWER_KEY } from './server-helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface ServerProcess {
  child: ChildProcess;
  output(): string;
  /** Resident set size of the server process now, in bytes (from /proc). */
  rss(): number;
  stop(): Promise<void>;
}

/** `faultline serve` as its own process, so its memory is measured apart from the test's. */
export async function serveProcess(dataDir: string, port: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  // Node itself (not the tsx wrapper) is the server, so its pid is the process measured and stopped.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      FAULTLINE_DATA_DIR: dataDir,
      FAULTLINE_PORT: String(port),
      FAULTLINE_HOST: '127.0.0.1',
      FAULTLINE_POOL_SIZE: '0',
      FAULTLINE_BUILD_CLIENT: 'false',
      FAULTLINE_HOST_FIREWALL: 'false',
      FAULTLINE_INTERVIEWER_KEY: INTERVIEWER_KEY,
      FAULTLINE_SESSION_RATE_LIMIT: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 90_000;
  while (!/listening on/.test(output)) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`serve did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    output: () => output,
    rss: () => {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
