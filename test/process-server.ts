import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { exited, serve } from './server-helpers.js';

export interface ServerProcess {
  child: ChildProcess;
  output(): string;
  /** Resident set size of the server process now, in bytes (from /proc). */
  rss(): number;
  stop(): Promise<void>;
}

/** `faultline serve` as its own process (see `serve`), so its memory is measured apart from the test's. */
export async function serveProcess(dataDir: string, port: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  const { child, output } = await serve(dataDir, port, { FAULTLINE_SESSION_RATE_LIMIT: '100000', ...env });
  return {
    child,
    output,
    rss: () => {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited(child);
    },
  };
}
