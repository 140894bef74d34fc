import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/src/config/index.js';
import { LABELS } from '../server/src/runtime/docker.js';
import { freePort } from './server-helpers.js';

/**
 * The docker-compose deployment, for real: build the server image, bring the stack up on a free
 * loopback port under a throwaway project name, run a practice session through the REST API,
 * prove a lab container cannot reach the server container, end the session, and take everything
 * down again. Skipped only when docker-compose is not installed (Debian package: docker-compose).
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const PROJECT = `faultline-deploy-test-${crypto.randomBytes(3).toString('hex')}`;
const NAMESPACE = loadConfig().images.namespace;
/** One tag per image namespace: each run replaces the previous run's image. */
const IMAGE = `${NAMESPACE}-deploy-test-server:latest`;
const SCENARIO = 'dns-stale-record';

const composeVersion = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
const hasCompose = composeVersion.status === 0;
if (!hasCompose) {
  process.stdout.write(
    '[deploy] SKIPPED: docker-compose is not installed (apt-get install docker-compose); the compose deployment test needs it\n',
  );
}

interface Run {
  code: number;
  out: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

async function must(cmd: string, args: string[], env?: NodeJS.ProcessEnv, timeoutMs?: number): Promise<string> {
  const r = await run(cmd, args, env, timeoutMs);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.out.slice(-4000)}`);
  return r.out.trim();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!hasCompose)('docker-compose deployment (server in a container)', () => {
  let port = 0;
  let env: NodeJS.ProcessEnv = {};
  let base = '';
  let containerId = '';
  let sessionId = '';
  let token = '';
  let envId = '';
  let ended = false;
  let upStarted = false;

  const compose = (project: string, args: string[], timeoutMs?: number) =>
    must('docker-compose', ['-f', COMPOSE_FILE, '-p', project, ...args], env, timeoutMs);

  async function api<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  afterAll(async () => {
    if (!upStarted) return;
    if (sessionId && !ended) await api('POST', `/api/sessions/${sessionId}/end`).catch(() => undefined);
    const logs = await run('docker-compose', ['-f', COMPOSE_FILE, '-p', PROJECT, 'logs', '--no-color', '--tail=40'], env);
    if (!ended) process.stdout.write(`[deploy] server log tail:\n${logs.out}\n`);
    await run('docker-compose', ['-f', COMPOSE_FILE, '-p', PROJECT, 'down', '-v', '--remove-orphans'], env);
    // The session's environment, if the server could not end it (only ours, by its label).
    if (envId) {
      const ids = (await run('docker', ['ps', '-aq', '--filter', `label=${LABELS.env}=${envId}`])).out.split(/\s+/).filter(Boolean);
      if (ids.length) await run('docker', ['rm', '-f', ...ids]);
      await run('docker', ['network', 'rm', `fl-${envId}`]);
    }
  }, 120_000);

  it('builds the server image from what is installed here, FROM the run\'s base image (the time is printed)', async () => {
    port = await freePort();
    env = {
      ...process.env,
      FAULTLINE_IMAGE: IMAGE,
      FAULTLINE_PUBLISH_ADDR: '127.0.0.1',
      FAULTLINE_PUBLISH_PORT: String(port),
      // No warm pool: the only environment this server starts is the session's own.
      FAULTLINE_POOL_SIZE: '0',
      FAULTLINE_POOL_SCENARIOS: '',
      COMPOSE_PROJECT_NAME: '',
      COMPOSE_FILE: '',
    };
    base = `http://127.0.0.1:${port}`;
    const started = Date.now();
    const out = await must('node', ['--import', 'tsx', 'server/src/cli/main.ts', 'server-image', '--tag', IMAGE], env, 20 * 60_000);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    expect(out).toContain(`building ${IMAGE} FROM ${NAMESPACE}/base:bookworm`);
    const size = await must('docker', ['image', 'inspect', '-f', '{{.Size}}', IMAGE]);
    process.stdout.write(
      `[deploy] faultline server-image: ${seconds} s (image ${IMAGE}, ${(Number(size) / 1e6).toFixed(0)} MB; docker-compose ${composeVersion.stdout.trim()})\n`,
    );
  }, 20 * 60_000);

  it('comes up on a free loopback port: /healthz, then /readyz (Docker and the database)', async () => {
    upStarted = true;
    await compose(PROJECT, ['up', '-d', '--no-build'], 180_000);
    containerId = await compose(PROJECT, ['ps', '-q', 'faultline']);
    expect(containerId).toMatch(/^[0-9a-f]{12,}$/);
    const deadline = Date.now() + 240_000;
    let healthy = false;
    while (Date.now() < deadline && !healthy) {
      // A connection made while the server is still preparing can hang: bound each attempt.
      healthy = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (!healthy) {
        const state = await must('docker', ['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', containerId]);
        if (!state.startsWith('running')) throw new Error(`the server container stopped (${state})`);
        await sleep(1000);
      }
    }
    expect(healthy).toBe(true);
    const ready = await api<{ ok: boolean; docker: string; db: string }>('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ok: true, docker: 'ok', db: 'ok' });
    // Published on loopback only.
    const ports = await must('docker', ['port', containerId, '7300/tcp']);
    expect(ports.split('\n').every((l) => l.startsWith('127.0.0.1:'))).toBe(true);
  }, 300_000);

  it('runs a practice session through the REST API until it is ready', async () => {
    const created = await api<{ session: { id: string; state: string }; tokens: { candidate: string } }>('POST', '/api/sessions', {
      scenarioId: SCENARIO,
      mode: 'practice',
    });
    expect(created.status).toBe(201);
    sessionId = created.body.session.id;
    token = created.body.tokens.candidate;
    let state = created.body.session.state;
    const deadline = Date.now() + 180_000;
    while (state === 'starting' && Date.now() < deadline) {
      await sleep(1000);
      state = (await api<{ session: { state: string } }>('GET', `/api/sessions/${sessionId}`)).body.session.state;
    }
    expect(state).toBe('ready');
    // The candidate's view does not name the environment; the server's database does.
    // The id goes in through the environment, never as an argument a program could parse.
    envId = await must('docker', [
      'exec',
      '-e',
      `SESSION_ID=${sessionId}`,
      containerId,
      'node',
      '-e',
      "const D=require('better-sqlite3');const db=new D('/data/faultline.db',{readonly:true});" +
        "console.log(db.prepare(\"SELECT json_extract(record,'$.envId') AS e FROM sessions WHERE id=?\").get(process.env.SESSION_ID).e)",
    ]);
    expect(envId).toMatch(/^[0-9a-f]{6,}$/);
  }, 240_000);

  it("the session's workstation cannot reach the server container or the published port", async () => {
    const ws = `fl-${envId}-ws`;
    const ipsOf = async (container: string) =>
      (await must('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', container])).split(/\s+/).filter(Boolean);
    const serverIps = await ipsOf(containerId);
    const webIps = await ipsOf(`fl-${envId}-web`);
    expect(serverIps.length).toBeGreaterThan(0);
    // Controls: the server container answers on its IP from the host, and the probe itself can
    // connect inside the lab (the scenario's web host, port 80).
    for (const ip of serverIps) expect(await fetch(`http://${ip}:7300/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 0)).toBe(200);
    const hostIps = Object.values(os.networkInterfaces())
      .flat()
      .filter((a): a is os.NetworkInterfaceInfo => !!a && a.family === 'IPv4' && !a.internal)
      .map((a) => a.address);
    const targets = [
      ...serverIps.map((ip) => `${ip}:7300`),
      ...hostIps.map((ip) => `${ip}:${port}`),
      ...hostIps.map((ip) => `${ip}:7300`),
    ];
    const controls = webIps.map((ip) => `${ip}:80`);
    const script =
      'for t in "$@"; do ( h=${t%:*}; p=${t##*:}; ' +
      'if timeout 3 bash -c "exec 3<>/dev/tcp/$h/$p" 2>/dev/null; then echo "open $t"; else echo "closed $t"; fi ) & done; wait';
    const out = await must('docker', ['exec', ws, 'bash', '-c', script, 'probe', ...controls, ...targets], process.env, 60_000);
    const result = new Map(out.split('\n').map((l) => l.trim().split(' ') as [string, string]).map(([s, t]) => [t, s]));
    process.stdout.write(`[deploy] from ${ws}: ${[...result].map(([t, s]) => `${t} ${s}`).join(', ')}\n`);
    for (const c of controls) expect(result.get(c), `control ${c}`).toBe('open');
    for (const t of targets) expect(result.get(t), `target ${t}`).toBe('closed');
  }, 120_000);

  it('ends the session, which removes its environment', async () => {
    const res = await api<{ session: { state: string } }>('POST', `/api/sessions/${sessionId}/end`);
    expect(res.status).toBe(200);
    expect(res.body.session.state).toBe('ended');
    ended = true;
    const left = await must('docker', ['ps', '-aq', '--filter', `label=${LABELS.env}=${envId}`]);
    expect(left).toBe('');
    const nets = (await must('docker', ['network', 'ls', '--format', '{{.Name}}'])).split('\n');
    expect(nets).not.toContain(`fl-${envId}`);
  }, 120_000);

  it('docker-compose down -v leaves no container, network or volume of the project', async () => {
    await compose(PROJECT, ['down', '-v', '--remove-orphans'], 120_000);
    const label = `label=com.docker.compose.project=${PROJECT}`;
    expect(await must('docker', ['ps', '-aq', '--filter', label])).toBe('');
    expect(await must('docker', ['network', 'ls', '-q', '--filter', label])).toBe('');
    expect(await must('docker', ['volume', 'ls', '-q', '--filter', label])).toBe('');
    expect(await must('docker', ['ps', '-aq', '--filter', `label=${LABELS.env}=${envId}`])).toBe('');
  }, 180_000);
});
