import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { Lab, LabEnvironment } from '../server/src/lab/index.js';
import { proveScenario } from '../server/src/lab/proof.js';
import { CONNECTED_MARKER, candidateCommand, runCandidateSteps } from '../server/src/runtime/candidate-steps.js';
import type { RenderedHost, RenderedStep } from '../server/src/scenarios/render.js';
import { testLab } from './helpers.js';

/** sshd's own pid file on every lab host (Debian's default). */
const STOP_SSHD = 'kill "$(cat /run/sshd.pid)"';

describe('what a solve step becomes on the terminal host', () => {
  const hosts = ['ws', 'web', 'db'].map((name) => ({ name, hostname: `${name}.corp.lab` }) as RenderedHost);

  it('runs a step for the terminal host there, and one for another host through ssh with the script on stdin', () => {
    const local = candidateCommand({ kind: 'run', host: 'ws', script: 'echo hi', timeoutSeconds: 30, label: 'solve[0]' }, 'ws', hosts);
    expect(local).toEqual({ script: 'set -e\necho hi', timeoutSeconds: 30, typed: 'bash -s' });
    const remote = candidateCommand({ kind: 'run', host: 'web', script: 'svc reload', timeoutSeconds: 30, label: 'solve[1]' }, 'ws', hosts);
    expect(remote.script).toBe(`exec ssh -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=INFO web bash -s\necho '${CONNECTED_MARKER}'\nset -e\nsvc reload`);
    expect(remote.timeoutSeconds).toBeGreaterThan(30);
  });

  it('turns a copy into ssh A cat | ssh B cat >, and the paths survive both shells', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-copy-'));
    const from = path.join(dir, "it's $HOME here");
    const to = path.join(dir, 'new dir', 'a "copy"');
    fs.writeFileSync(from, 'content\n');
    const copy = candidateCommand({ kind: 'copy', fromHost: 'web', from, toHost: 'db', to, label: 'solve[0] copy' }, 'ws', hosts);
    expect(copy.typed).toMatch(/^ssh -o BatchMode=yes -o ConnectTimeout=5 -n web '.*' \| ssh -o BatchMode=yes -o ConnectTimeout=5 db '.*'$/);
    // ssh as it behaves: drop the options, join the remote words with spaces, hand them to a shell.
    const fakeSsh = 'ssh() { while [ "${1#-}" != "$1" ]; do if [ "$1" = -o ]; then shift; fi; shift; done; shift; bash -c "$*"; }';
    execFileSync('bash', ['-c', `${fakeSsh}\n${copy.script}`]);
    expect(fs.readFileSync(to, 'utf8')).toBe('content\n');
  });
});

/**
 * tcp-idle-reset's solve runs on `sync`, a host of the plain tools image: a candidate must reach it
 * by ssh from ws, and so must the reference solve.
 */
describe('the reference solve, typed on the terminal host', () => {
  let lab: Lab;
  let env: LabEnvironment;

  beforeAll(async () => {
    lab = testLab();
    env = await lab.up('tcp-idle-reset', { seed: 'candidate-solve', ttlMinutes: 30, owner: 'test' });
  });

  afterAll(async () => {
    if (env) await lab.down(env.env.id);
  });

  it('reaches every host of the scenario with ssh from ws', async () => {
    expect(await lab.sshReach(env)).toEqual(['api', 'sync'].map((host) => ({ host, reached: true })));
  });

  it('applies the solve on sync from ws', async () => {
    await lab.solve(env);
    const config = await lab.runtime.exec(env.env, 'sync', 'jq -r .tcpKeepAliveSeconds /etc/sync/sync.json', 5);
    expect(config.output.trim()).toBe('2');
  });

  it('copies files between hosts through ws the way a candidate would', async () => {
    const copy = (fromHost: string, from: string, toHost: string, to: string): RenderedStep => ({ kind: 'copy', fromHost, from, toHost, to, label: `copy ${fromHost}->${toHost}` });
    await runCandidateSteps(lab.runtime, env.env, env.rendered.hosts, [
      copy('sync', '/etc/sync/sync.json', 'api', '/tmp/from sync/sync.json'),
      copy('api', '/tmp/from sync/sync.json', 'ws', '/root/sync.json'),
      copy('ws', '/root/sync.json', 'sync', '/tmp/back.json'),
    ]);
    const original = await lab.runtime.exec(env.env, 'sync', 'cat /etc/sync/sync.json', 5);
    for (const [host, file] of [['api', '/tmp/from sync/sync.json'], ['ws', '/root/sync.json'], ['sync', '/tmp/back.json']] as const) {
      expect((await lab.runtime.exec(env.env, host, `cat '${file}'`, 5)).output, host).toBe(original.output);
    }
  });

  it('reports a failing script on a reached host as that step failing, with what was typed and its output', async () => {
    const step: RenderedStep = { kind: 'run', host: 'api', script: 'echo boom\nfalse\necho not reached', timeoutSeconds: 10, label: 'solve[0] inline on api' };
    const failed = runCandidateSteps(lab.runtime, env.env, env.rendered.hosts, [step]);
    await expect(failed).rejects.toThrow(/^solve\[0\] inline on api, typed on ws as `ssh -o BatchMode=yes .* api bash -s`, exited with 1: (.*\n)?boom$/);
  });

  it('finds a host that refuses ws through another host, as a candidate would hop', async () => {
    const sync = env.rendered.hosts.find((h) => h.name === 'sync')!.ip;
    const rule = `OUTPUT -d ${sync} -p tcp --dport 22 -j REJECT`;
    await lab.runtime.exec(env.env, 'ws', `iptables -I ${rule}`, 5);
    try {
      expect((await lab.sshReach(env)).find((r) => r.host === 'sync')).toMatchObject({ reached: true, via: 'api', reason: expect.stringMatching(/refused/) });
    } finally {
      await lab.runtime.exec(env.env, 'ws', `iptables -D ${rule}`, 5);
    }
  });

  it('fails naming the step and the host when sshd on the target host is stopped', async () => {
    await lab.runtime.exec(env.env, 'sync', STOP_SSHD, 5);
    await expect(lab.solve(env)).rejects.toThrow(/^solve\[0\] inline on sync: from ws, the candidate could not reach host sync by ssh: .*refused/);
    const reach = await lab.sshReach(env);
    expect(reach.find((r) => r.host === 'api')).toEqual({ host: 'api', reached: true });
    // Stopped sshd: not through api either.
    expect(reach.find((r) => r.host === 'sync')).toMatchObject({ host: 'sync', reached: false, reason: expect.stringMatching(/refused/) });
  });
});

/** A scenario whose fault leaves a host without sshd: the proof fails, because a candidate could not solve it. */
describe('the proof of a scenario with a host a candidate cannot reach', () => {
  const scenario = 'dns-stale-record';
  let lab: Lab;

  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-unreachable-'));
    fs.cpSync(path.resolve('scenarios', scenario), path.join(dir, scenario), { recursive: true });
    fs.symlinkSync(path.resolve('scenarios', 'images'), path.join(dir, 'images'));
    const file = path.join(dir, scenario, 'scenario.yaml');
    const spec = YAML.parse(fs.readFileSync(file, 'utf8')) as { setup?: unknown[] };
    spec.setup = [...(spec.setup ?? []), { host: 'ns', run: STOP_SSHD }];
    fs.writeFileSync(file, YAML.stringify(spec));
    lab = testLab({ FAULTLINE_SCENARIOS_DIR: dir });
  });

  it('fails at the ssh phase and at the solve, saying which host could not be reached', async () => {
    const result = await proveScenario(lab, scenario, 'unreachable', () => undefined);
    expect(result.ok).toBe(false);
    expect(result.failures[0]).toMatch(/^from ws, the candidate could not reach host ns by ssh: .*refused/);
    expect(result.failures.some((f) => /^solve\[0\] inline on ns: from ws, the candidate could not reach host ns by ssh/.test(f))).toBe(true);
    expect((await lab.runtime.list()).filter((e) => e.id === result.envId)).toEqual([]);
  });
});
