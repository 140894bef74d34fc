import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/src/config/index.js';
import { Lab } from '../../server/src/lab/index.js';
import { api } from '../server-helpers.js';
import { TermClient } from '../terminal-client.js';
import { median, percentile, round } from './stats.js';

/**
 * The figures of issue 7, measured the way a user meets them: a REST call creates the session, a
 * WebSocket client connects at once and the clock stops when the shell prompt arrives.
 */
const PROMPT = /root@[a-z0-9-]+:[^\n]*# $/m;
const CSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[a-zA-Z]`, 'g');
const showsPrompt = (text: string) => PROMPT.test(text.replace(CSI, ''));
const SCENARIO = 'dns-stale-record';
/** Density: how long every terminal types before the echo is measured. */
const DENSITY_SETTLE_MS = 15_000;
/** Density: every terminal submits a command once per this many keys typed (one every 10 s). */
const DENSITY_KEYS_PER_COMMAND = 50;

export type LabPart = 'cold' | 'warm' | 'checks' | 'density';
export const LAB_PARTS: LabPart[] = ['cold', 'warm', 'checks', 'density'];

export interface LabBenchOptions {
  /** Session counts the density part steps through (`--density 30,40`). */
  densitySteps?: number[] | undefined;
  smoke: boolean;
  say: (line: string) => void;
  parts: LabPart[];
}

interface BenchServer {
  url: string;
  proc: ChildProcess;
  dataDir: string;
  stop(): Promise<void>;
}

/** The real server as its own process (so its RSS is its own), on a free loopback port. */
/** The interviewer key of the bench's servers. */
const BENCH_KEY = 'bench-interviewer-key-0123456789';

export async function startServerProcess(env: Record<string, string>): Promise<BenchServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli/main.ts', 'serve'], {
    env: {
      ...process.env,
      FAULTLINE_HOST: '127.0.0.1',
      FAULTLINE_PORT: String(port),
      FAULTLINE_DATA_DIR: dataDir,
      FAULTLINE_INTERVIEWER_KEY: BENCH_KEY,
      FAULTLINE_BUILD_CLIENT: 'false',
      FAULTLINE_LOG_LEVEL: 'warn',
      FAULTLINE_MAX_SESSIONS: '200',
      FAULTLINE_SESSION_RATE_LIMIT: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  while (!out.includes('listening on')) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${out}`);
    if (Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    proc,
    dataDir,
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

export interface StartedSession {
  id: string;
  token: string;
  client: TermClient;
  ms: number;
}

export async function startToPrompt(url: string, scenarioId: string, seed?: string): Promise<StartedSession> {
  const started = performance.now();
  const created = await api<{ session: { id: string }; tokens: { candidate: string } }>(url, 'POST', '/api/sessions', {
    body: { scenarioId, mode: 'practice', ...(seed ? { seed } : {}) },
  });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const { id } = created.body.session;
  const token = created.body.tokens.candidate;
  const client = await TermClient.connect(url, id, token, { origin: url });
  await client
    .until('the prompt', () => showsPrompt(client.snapshot) || showsPrompt(client.output), 120_000)
    .catch(async (err: unknown) => {
      // End it here: the caller never learns of a session that did not reach its prompt.
      client.ws.terminate();
      await api(url, 'POST', `/api/sessions/${id}/end`, { token });
      throw new Error(`${String(err)}; control messages: ${JSON.stringify(client.messages).slice(0, 1500)}`);
    });
  return { id, token, client, ms: performance.now() - started };
}

/**
 * A booked interview: the candidate waits in the lobby (which asks the pool for the scenario),
 * then the interviewer presses Start; timed from Start to the candidate's prompt.
 */
export async function bookedStartToPrompt(url: string, scenarioId: string, key: string, lobbyMs: number): Promise<StartedSession> {
  const window = { opensAt: new Date(Date.now() - 60_000).toISOString(), closesAt: new Date(Date.now() + 3_600_000).toISOString(), timeZone: 'UTC' };
  const created = await api<{ session: { id: string }; tokens: { candidate: string; interviewer: string } }>(url, 'POST', '/api/sessions', {
    token: key,
    body: { scenarioId, mode: 'interview', window },
  });
  if (created.status !== 201) throw new Error(`booking failed: ${created.status} ${JSON.stringify(created.body)}`);
  const { id } = created.body.session;
  const { candidate, interviewer } = created.body.tokens;
  const client = await TermClient.connect(url, id, candidate, { origin: url });
  await new Promise((r) => setTimeout(r, lobbyMs));
  const started = performance.now();
  const start = await api(url, 'POST', `/api/sessions/${id}/start`, { token: interviewer });
  if (start.status !== 202) throw new Error(`start failed: ${start.status} ${JSON.stringify(start.body)}`);
  await client.until('the prompt', () => showsPrompt(client.output), 120_000);
  return { id, token: interviewer, client, ms: performance.now() - started };
}

export async function endSession(url: string, s: StartedSession): Promise<void> {
  s.client.ws.terminate();
  await api(url, 'POST', `/api/sessions/${s.id}/end`, { token: s.token });
}

/** Echo round trip: one character typed, timed until its echo comes back. */
export async function echoSamples(client: TermClient, count: number, gapMs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    const before = client.output.length;
    const t = performance.now();
    client.type(ch);
    await client.until('echo', () => client.output.length > before && client.output.slice(before).includes(ch), 10_000);
    samples.push(performance.now() - t);
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
  }
  client.type('\u0015'); // Ctrl-U: clear the typed line
  return samples;
}

function hostMemoryUsedMb(): number {
  const info = fs.readFileSync('/proc/meminfo', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return (kb('MemTotal') - kb('MemAvailable')) / 1024;
}

export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
}

export async function runLabBench(options: LabBenchOptions): Promise<Record<string, unknown>> {
  const { smoke, say, parts } = options;
  const results: Record<string, unknown> = {};
  const config = loadConfig();
  const lab = new Lab(config);
  const scenarios = smoke ? [SCENARIO] : [...lab.catalogue.scenarios.keys()];
  const coldRuns = smoke ? 1 : 3;

  if (parts.includes('cold')) await coldStarts();
  if (parts.includes('warm')) await warmStarts();
  if (parts.includes('checks')) await checkRounds();
  if (parts.includes('density')) await density();
  return results;

  // Cold start-to-prompt per scenario (pool off; a pinned seed always starts cold).
  async function coldStarts(): Promise<void> {
    say('start-to-prompt, cold (REST create -> WebSocket -> prompt):');
    const cold = await startServerProcess({ FAULTLINE_POOL_SIZE: '0' });
    const coldRows: Array<{ scenario: string; hosts: number; medianMs: number; maxMs: number }> = [];
    try {
      for (const id of scenarios) {
        const times: number[] = [];
        for (let i = 0; i < coldRuns; i++) {
          const s = await startToPrompt(cold.url, id, `bench-${i}`);
          times.push(s.ms);
          await endSession(cold.url, s);
        }
        const hosts = Object.keys(lab.scenario(id).spec.hosts).length;
        coldRows.push({ scenario: id, hosts, medianMs: round(median(times), 0), maxMs: round(Math.max(...times), 0) });
        say(`  ${id.padEnd(34)} ${hosts} hosts  median ${round(median(times), 0)} ms  max ${round(Math.max(...times), 0)} ms`);
      }
    } finally {
      await cold.stop();
    }
    results.coldStartToPrompt = coldRows;
  }

  // Warm pool: the scenario is prewarmed; each claim is measured after the pool has refilled.
  async function warmStarts(): Promise<void> {
    say('start-to-prompt, warm pool:');
    const warm = await startServerProcess({ FAULTLINE_POOL_SIZE: '1', FAULTLINE_POOL_SCENARIOS: SCENARIO });
    const warmTimes: number[] = [];
    const bookedTimes: number[] = [];
    try {
      for (let i = 0; i < (smoke ? 1 : 5); i++) {
        await new Promise((r) => setTimeout(r, smoke ? 8000 : 6000)); // let the pool (re)fill
        const s = await startToPrompt(warm.url, SCENARIO);
        warmTimes.push(s.ms);
        await endSession(warm.url, s);
      }
      // The lobby's wait lets the pool refill before Start, as a candidate's early arrival does.
      for (let i = 0; i < (smoke ? 1 : 5); i++) {
        const s = await bookedStartToPrompt(warm.url, SCENARIO, BENCH_KEY, smoke ? 8000 : 6000);
        bookedTimes.push(s.ms);
        await endSession(warm.url, s);
      }
    } finally {
      await warm.stop();
    }
    results.warmStartToPrompt = { medianMs: round(median(warmTimes), 0), maxMs: round(Math.max(...warmTimes), 0), runs: warmTimes.length };
    say(`  ${SCENARIO}: median ${round(median(warmTimes), 0)} ms, max ${round(Math.max(...warmTimes), 0)} ms over ${warmTimes.length} runs`);
    results.bookedStartToPrompt = { medianMs: round(median(bookedTimes), 0), maxMs: round(Math.max(...bookedTimes), 0), runs: bookedTimes.length };
    say(`  booked interview, Start to the candidate's prompt: median ${round(median(bookedTimes), 0)} ms, max ${round(Math.max(...bookedTimes), 0)} ms over ${bookedTimes.length} runs`);
  }

  // A full check round and teardown, measured at the lab (what the server does on each tick).
  // Broken rounds wait out the checks' own timeouts by design (a request to a dead address), so
  // the round that says how fast checking is, is the one on the fixed environment. Rounds are a
  // second apart: live checks run every 5 s, never back to back.
  async function checkRounds(): Promise<void> {
    const env = await lab.up(SCENARIO, { seed: 'bench-checks', ttlMinutes: 10, owner: 'bench' });
    const timeRounds = async (n: number) => {
      const rounds: number[] = [];
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        const t = performance.now();
        await lab.checks(env);
        rounds.push(performance.now() - t);
      }
      return { p50Ms: round(percentile(rounds, 50), 0), p95Ms: round(percentile(rounds, 95), 0), rounds: rounds.length };
    };
    try {
      const broken = await timeRounds(smoke ? 2 : 10);
      await lab.solve(env);
      const fixed = await timeRounds(smoke ? 3 : 30);
      results.checkRound = { checks: env.rendered.checks.length, fixed, broken };
      say(`check round (${env.rendered.checks.length} checks), fixed: p50 ${fixed.p50Ms} ms, p95 ${fixed.p95Ms} ms; broken: p50 ${broken.p50Ms} ms`);
    } finally {
      const t = performance.now();
      await lab.down(env.env.id);
      results.teardownMs = round(performance.now() - t, 0);
    }
    say(`teardown (3 hosts + network): ${String(results.teardownMs)} ms`);
  }

  // Density: K live sessions, every terminal connected and typing; echo p99 as K grows.
  async function density(): Promise<void> {
    say(`density (every session has a connected terminal typing once every 200 ms and running a command every 10 s; echo measured after ${DENSITY_SETTLE_MS / 1000} s of that):`);
    const steps = options.densitySteps ?? (smoke ? [1, 2] : [10, 20, 30, 40, 50]);
    const dense = await startServerProcess({ FAULTLINE_POOL_SIZE: '0', FAULTLINE_HOST_MEMORY_MB: '128' });
    const live: StartedSession[] = [];
    const densityRows: Array<Record<string, number>> = [];
    const baseline = hostMemoryUsedMb();
    try {
      for (const k of steps) {
        while (live.length < k) {
          const batch = Math.min(4, k - live.length);
          const started = await Promise.allSettled(Array.from({ length: batch }, (_, i) => startToPrompt(dense.url, SCENARIO, `dense-${live.length + i}`)));
          // Keep every session that did start, so the cleanup below ends it even if one failed.
          for (const s of started) if (s.status === 'fulfilled') live.push(s.value);
          const failed = started.find((s) => s.status === 'rejected');
          if (failed) throw failed.reason;
        }
        // Background typing on every terminal while the echo is measured on each in turn, and a
        // command submitted now and then (each one asks for a check round a second later).
        let typing = true;
        const typers = live.map(async (s, i) => {
          for (let n = 1; typing; n++) {
            s.client.type(i % 2 ? 'x' : 'y');
            await new Promise((r) => setTimeout(r, 200));
            s.client.type(n % DENSITY_KEYS_PER_COMMAND === 0 ? '\u0015true\r' : '\u0015');
          }
        });
        // Steady state, not the start-up of the last sessions (their boot and first check round).
        await new Promise((r) => setTimeout(r, smoke ? 0 : DENSITY_SETTLE_MS));
        const samples: number[] = [];
        for (const s of live) samples.push(...(await echoSamples(s.client, smoke ? 5 : 25, 20)));
        typing = false;
        await Promise.all(typers);
        const used = hostMemoryUsedMb() - baseline;
        const row = {
          sessions: k,
          echoP50Ms: round(percentile(samples, 50)),
          echoP99Ms: round(percentile(samples, 99)),
          hostMemPerSessionMb: round(used / k, 0),
          serverRssMb: round(rssMb(dense.proc.pid ?? 0), 0),
        };
        densityRows.push(row);
        say(`  K=${String(k).padStart(3)}  echo p50 ${row.echoP50Ms} ms  p99 ${row.echoP99Ms} ms  host memory/session ${row.hostMemPerSessionMb} MB  server RSS ${row.serverRssMb} MB`);
      }
    } finally {
      await Promise.all(live.map((s) => endSession(dense.url, s).catch((err: unknown) => say(`  could not end ${s.id}: ${String(err)}`))));
      await dense.stop();
    }
    const ok = densityRows.filter((r) => (r.echoP99Ms ?? Infinity) <= 50);
    results.density = { rows: densityRows, largestKWithEchoP99Under50Ms: ok.length ? Math.max(...ok.map((r) => r.sessions ?? 0)) : 0 };
    say(`largest K with echo p99 <= 50 ms: ${String((results.density as { largestKWithEchoP99Under50Ms: number }).largestKWithEchoP99Under50Ms)}`);
  }
}
