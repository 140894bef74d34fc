/**
 * Benchmarks, run with `npm run bench` (`-- --smoke` for a tiny CI-sized run). Prints a table and
 * writes artifacts/bench.json. Traffic stays on loopback and inside the lab's own containers.
 *
 * Terminal: echo round trip through the gateway (one keystroke to its echo), throughput to one
 * acknowledging client under flow control, and the time from Ctrl-C during `yes` to a prompt;
 * then echo and throughput straight on the engine's exec stream, the ceiling for the first two.
 * Lab (lab-bench.ts): cold and warm start-to-prompt, a check round, teardown, and density.
 * `--only terminal`, `--only lab` or `--only cold|warm|checks|density` runs one part;
 * `--density 30,40` sets the session counts the density part steps through.
 * Soak (soak.ts, only with `--only soak`): abusive sessions next to well-behaved ones measuring
 * echo; `--soak 40,5,120` sets abusive sessions, well-behaved sessions and seconds.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Lab } from '../../server/src/lab/index.js';
import { INTERVIEWER_KEY, startTestServer, waitReady } from '../server-helpers.js';
import { TermClient } from '../terminal-client.js';
import { LAB_PARTS, runLabBench, type LabPart } from './lab-bench.js';
import { runSoak } from './soak.js';
import { percentile } from './stats.js';

const smoke = process.argv.includes('--smoke');
const ROOT = path.resolve(import.meta.dirname, '..', '..');

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

async function terminalBench(): Promise<Record<string, number | string>> {
  const t = await startTestServer({ FAULTLINE_CHECK_INTERVAL_MS: '600000' });
  let id: string | undefined;
  let token = '';
  try {
    const created = await t.api<{ session: { id: string }; tokens: { candidate: string; interviewer: string } }>('POST', '/api/sessions', {
      token: INTERVIEWER_KEY,
      body: { scenarioId: 'dns-stale-record', mode: 'interview' },
    });
    id = created.body.session.id;
    token = created.body.tokens.interviewer;
    const candidateToken = created.body.tokens.candidate;
    const session = await waitReady(t, id, candidateToken);
    if (session.state !== 'ready') throw new Error(`the bench session is ${String(session.state)}: ${String(session.error ?? '')}`);
    const client = await TermClient.connect(t.url, id, candidateToken, { keepOutput: false });
    await client.untilOutput(/# $/);

    // Echo round trip: one printable key, wait for the frame that echoes it.
    const samples: number[] = [];
    const keys = smoke ? 20 : 300;
    for (let i = 0; i < keys; i++) {
      const before = client.bytes;
      const started = process.hrtime.bigint();
      client.type('x');
      await client.until('echo', () => client.bytes > before, 5000);
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    client.type('\x15');
    samples.sort((a, b) => a - b);

    // Throughput: a large output to one client that acknowledges like xterm does.
    const megabytes = smoke ? 4 : 50;
    const startBytes = client.bytes;
    let started = process.hrtime.bigint();
    client.type(`head -c ${megabytes}M /dev/zero | base64; echo THROUGHPUT-$((1+1))\r`);
    await client.untilOutput(/THROUGHPUT-2\r\n/, 600_000);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const received = client.bytes - startBytes;

    // Ctrl-C during `yes`: from the keystroke until the next command's output arrives.
    const interrupts: number[] = [];
    for (let i = 0; i < (smoke ? 1 : 5); i++) {
      const from = client.bytes;
      client.type('yes\r');
      await client.until('yes output', () => client.bytes - from > 1024 * 1024, 60_000);
      started = process.hrtime.bigint();
      client.type(`\x03echo INTERRUPTED-${i}-$((2+2))\r`);
      await client.untilOutput(new RegExp(`INTERRUPTED-${i}-4\\r\\n`), 60_000);
      interrupts.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    interrupts.sort((a, b) => a - b);
    client.ws.terminate();
    const raw = await rawEngineBaseline(t.lab, megabytes);
    return {
      echo_samples: samples.length,
      echo_p50_ms: round(percentile(samples, 50)),
      echo_p99_ms: round(percentile(samples, 99)),
      throughput_bytes: received,
      throughput_seconds: round(seconds),
      throughput_mib_s: round(received / 1024 / 1024 / seconds),
      ctrl_c_samples: interrupts.length,
      ctrl_c_p50_ms: round(percentile(interrupts, 50)),
      ctrl_c_max_ms: round(interrupts[interrupts.length - 1] ?? NaN),
      ...raw,
    };
  } finally {
    if (id) await t.api('POST', `/api/sessions/${id}/end`, { token });
    await t.server.close();
  }
}

/**
 * The same measures straight on the engine's exec stream, without the gateway (no WebSocket,
 * mirror, recording or flow control): the ceiling the gateway's figures are compared with.
 */
async function rawEngineBaseline(lab: Lab, megabytes: number): Promise<Record<string, number>> {
  // The bench server runs one session: its environment is the only one its sessions own.
  const found = (await lab.runtime.list()).find((e) => e.owner === lab.sessionOwner);
  if (!found) throw new Error('the bench session has no environment on the engine');
  const shell = await lab.runtime.openShell(lab.adopt(found).env, { cols: 80, rows: 24 });
  let bytes = 0;
  let tail = '';
  let wake: (() => void) | undefined;
  shell.stream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    tail = (tail + chunk.toString('latin1')).slice(-256);
    wake?.();
  });
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      wake = () => done() && resolve();
      wake();
    });
  try {
    await until(() => /# $/.test(tail));
    const samples: number[] = [];
    for (let i = 0; i < (smoke ? 20 : 300); i++) {
      const before = bytes;
      const started = process.hrtime.bigint();
      shell.stream.write('x');
      await until(() => bytes > before);
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    shell.stream.write('\x15');
    samples.sort((a, b) => a - b);
    const from = bytes;
    const started = process.hrtime.bigint();
    shell.stream.write(`head -c ${megabytes}M /dev/zero | base64; echo RAW-$((1+1))\r`);
    await until(() => tail.includes('RAW-2\r\n'));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      raw_echo_p50_ms: round(percentile(samples, 50)),
      raw_echo_p99_ms: round(percentile(samples, 99)),
      raw_throughput_mib_s: round((bytes - from) / 1024 / 1024 / seconds),
    };
  } finally {
    shell.stream.destroy();
  }
}

async function main(): Promise<void> {
  process.env.NODE_ENV ??= 'test';
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
  const mode = { mode: smoke ? 'smoke' : 'full', at: new Date().toISOString() };
  const file = path.join(ROOT, 'artifacts', 'bench.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const result = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const labParts = LAB_PARTS.includes(only as LabPart) ? [only as LabPart] : LAB_PARTS;
  if (only === 'soak') {
    const at = process.argv.indexOf('--soak');
    const given = at >= 0 ? (process.argv[at + 1] ?? '').split(',').map((v) => (v === '' ? undefined : Number(v))) : [];
    const [abusive = smoke ? 5 : 40, wellBehaved = smoke ? 1 : 5, seconds = smoke ? 20 : 120] = given;
    process.stdout.write(`\nSoak (${mode.mode}): ${abusive} abusive, ${wellBehaved} well-behaved sessions, ${seconds} s\n`);
    result.soak = { ...(await runSoak({ abusive, wellBehaved, seconds, say: (line) => process.stdout.write(`  ${line}\n`) })), ...mode };
  }
  if (only === undefined || only === 'terminal') {
    const terminal = await terminalBench();
    process.stdout.write(`\nTerminal (${mode.mode})\n`);
    for (const [k, v] of Object.entries(terminal)) process.stdout.write(`  ${k.padEnd(22)} ${String(v).padStart(12)}\n`);
    result.terminal = { ...terminal, ...mode };
  }
  if (only !== 'terminal' && only !== 'soak') {
    process.stdout.write(`\nLab (${mode.mode})\n`);
    const previous = (result.lab ?? {}) as Record<string, unknown>;
    const densityAt = process.argv.indexOf('--density');
    const densitySteps = densityAt >= 0 ? (process.argv[densityAt + 1] ?? '').split(',').map(Number).filter((k) => k > 0) : undefined;
    const lab = await runLabBench({ smoke, parts: labParts, densitySteps, say: (line) => process.stdout.write(`  ${line}\n`) });
    result.lab = { ...previous, ...lab, ...mode };
  }
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), file)}\n`);
}

// Exit explicitly: engine sockets kept alive by the clients would otherwise hold the process open.
main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
