import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Lab } from '../server/src/lab/index.js';
import { startServer, type RunningServer } from '../server/src/http/index.js';
import type { Config } from '../server/src/config/index.js';
import { testConfig } from './helpers.js';

export const INTERVIEWER_KEY = 'test-interviewer-key-0123456789';

export interface TestServer {
  server: RunningServer;
  config: Config;
  lab: Lab;
  url: string;
  api<T = Record<string, unknown>>(method: string, path: string, opts?: ApiOptions): Promise<{ status: number; body: T; headers: Headers }>;
}

/** Config of a test server: ephemeral loopback port, throwaway data dir, no warm pool, known key. */
export function testServerConfig(overrides: Record<string, string> = {}): Config {
  return testConfig({
    FAULTLINE_PORT: '0',
    FAULTLINE_HOST: '127.0.0.1',
    FAULTLINE_POOL_SIZE: '0',
    FAULTLINE_INTERVIEWER_KEY: INTERVIEWER_KEY,
    FAULTLINE_CHECK_INTERVAL_MS: '2000',
    FAULTLINE_SESSION_RATE_LIMIT: '100000',
    ...overrides,
  });
}

/** A real server in this process on an ephemeral port, with a throwaway data dir and no warm pool. */
export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const config = testServerConfig(overrides);
  const lab = new Lab(config);
  const server = await startServer(config, lab, { clientDist: '/nonexistent-client-dist' });
  return { server, config, lab, url: server.url, api: (method, path, opts = {}) => api(server.url, method, path, opts) };
}

/** A bearer token, a JSON body (or raw text), and any other headers (a cookie, a CSRF token, an Origin). */
export interface ApiOptions {
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export async function api<T>(base: string, method: string, path: string, opts: ApiOptions = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined || opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = opts.raw ?? JSON.stringify(opts.body);
  }
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (a recording, a page): the text itself is the body.
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Poll a session until it leaves "starting". */
export async function waitReady(t: { api: TestServer['api'] }, id: string, token: string, timeoutMs = 90_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await t.api<{ session: Record<string, unknown> }>('GET', `/api/sessions/${id}`, { token });
    if (body.session.state !== 'starting') return body.session;
    if (Date.now() > deadline) throw new Error(`session ${id} still starting after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A loopback port that was free a moment ago, for a server started as its own process. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * `faultline serve` as its own process, so it can be killed like a crashed server. A variable
 * given as undefined in `env` is left out (FAULTLINE_INTERVIEWER_KEY: a server that makes its own).
 */
export async function serve(dataDir: string, port: number, env: Record<string, string | undefined> = {}): Promise<{ child: ChildProcess; output: () => string }> {
  const merged: Record<string, string | undefined> = {
    ...process.env,
    FAULTLINE_DATA_DIR: dataDir,
    FAULTLINE_PORT: String(port),
    FAULTLINE_HOST: '127.0.0.1',
    FAULTLINE_POOL_SIZE: '0',
    FAULTLINE_BUILD_CLIENT: 'false',
    FAULTLINE_HOST_FIREWALL: 'false',
    FAULTLINE_INTERVIEWER_KEY: INTERVIEWER_KEY,
    ...env,
  };
  // Node itself (not the tsx wrapper, which would outlive a SIGKILL of its child) is the server.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli/main.ts', 'serve'], {
    cwd: ROOT,
    env: Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 90_000;
  while (!/listening on/.test(output)) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`serve did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output };
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}
