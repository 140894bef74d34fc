import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../server/src/lab/index.js';
import { LABELS } from '../server/src/runtime/docker.js';
import { testLab } from './helpers.js';
import { startTestServer, waitReady, type TestServer } from './server-helpers.js';
import { TermClient, type Control } from './terminal-client.js';

const SCENARIO = 'dns-stale-record';
/** Starts allowed to wait: with one start at a time, the burst below fills the queue exactly. */
const QUEUE_MAX = 4;

interface Created {
  id: string;
  token: string;
  queueAhead: number | undefined;
}

type CreateAnswer = { session: { id: string; queueAhead?: number }; tokens: { candidate: string }; error?: { code: string; message: string } };

/**
 * A burst of practice sessions on a server that brings one environment up at a time: every
 * admitted start waits its turn and comes up, the waiting ones are told their place as it goes
 * down, the one past the queue's maximum (and a reset while it is full) is refused at once with
 * what to do, and nothing stays on the engine once they end.
 */
describe('a burst of starts on a busy server', () => {
  let t: TestServer;
  const created: Created[] = [];
  const clients: TermClient[] = [];

  beforeAll(async () => {
    t = await startTestServer({ FAULTLINE_START_CONCURRENCY: '1', FAULTLINE_START_QUEUE_MAX: String(QUEUE_MAX) });
  });

  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    for (const s of created) await t.api('POST', `/api/sessions/${s.id}/end`, { token: s.token });
    await t?.server.close();
  });

  const create = () => t.api<CreateAnswer>('POST', '/api/sessions', { body: { scenarioId: SCENARIO, mode: 'practice' } });

  it('queues, shows each its place, refuses past the maximum at admission, brings every admitted one up and leaves nothing', { timeout: 900_000 }, async () => {
    // One starts at once, QUEUE_MAX wait behind it.
    for (let i = 0; i < QUEUE_MAX + 1; i++) {
      const res = await create();
      expect(res.status).toBe(201);
      created.push({ id: res.body.session.id, token: res.body.tokens.candidate, queueAhead: res.body.session.queueAhead });
    }
    expect(created.slice(1).map((c) => c.queueAhead)).toEqual([0, 1, 2, 3]);

    // The last one's candidate watches its place go down.
    const last = created[QUEUE_MAX]!;
    const watcher = await TermClient.connect(t.url, last.id, last.token);
    clients.push(watcher);

    const refused = await create();
    expect(refused.status).toBe(503);
    expect(refused.body.error?.code).toBe('lab_full');
    expect(refused.body.error?.message).toMatch(/busy.*waiting to start.*FAULTLINE_START_QUEUE_MAX.*Try again/);
    expect(t.server.sessions.liveCount()).toBe(QUEUE_MAX + 1);
    const metrics = await t.api<string>('GET', '/metrics');
    expect(metrics.body).toMatch(new RegExp(`faultline_start_queue\\{status="waiting"\\} ${QUEUE_MAX}\\b`));

    // The first is up; the next one took its slot, so one more fits in the queue, and then a
    // reset is refused like a new session, leaving the environment as it was.
    const first = created[0]!;
    expect((await waitReady(t, first.id, first.token, 300_000)).state).toBe('ready');
    const extra = await create();
    expect(extra.status).toBe(201);
    created.push({ id: extra.body.session.id, token: extra.body.tokens.candidate, queueAhead: extra.body.session.queueAhead });
    expect(t.lab.starts.waitingCount).toBe(QUEUE_MAX);
    const reset = await t.api<{ error?: { code: string; message: string } }>('POST', `/api/sessions/${first.id}/reset`, { token: first.token });
    expect(reset.status).toBe(503);
    expect(reset.body.error?.message).toMatch(/Try again/);
    expect(t.server.sessions.get(first.id).state).toBe('ready');

    const sessions = await Promise.all(created.map((c) => waitReady(t, c.id, c.token, 600_000)));
    expect(sessions.map((s) => s.state)).toEqual(created.map(() => 'ready'));

    const hello = watcher.messages.find((m) => m.type === 'hello') as Control & { session: { queueAhead?: number } };
    // The status sent on connect carries the place too, then one each time it changes.
    const places = watcher.messages.filter((m) => m.type === 'status' && m.queueAhead !== undefined).map((m) => m.queueAhead as number);
    // Down by one each time a start ahead of it began, to "you are next", then its own phases.
    expect(places[0]).toBe(hello.session.queueAhead);
    expect(places[0]).toBeGreaterThan(0);
    expect(places).toEqual(Array.from({ length: places.length }, (_, i) => places[0]! - i));
    expect(places.at(-1)).toBe(0);
    expect(watcher.messages.some((m) => m.type === 'status' && m.message === 'starting, you are next')).toBe(true);

    const envIds = created.map((c) => t.server.sessions.get(c.id).envId);
    expect(envIds.every(Boolean)).toBe(true);
    for (const c of created) expect((await t.api('POST', `/api/sessions/${c.id}/end`, { token: c.token })).status).toBe(200);
    const filters = { label: [`${LABELS.managed}=true`] };
    const ours = new Set(envIds);
    const [containers, networks] = await Promise.all([
      t.lab.runtime.docker.listContainers({ all: true, filters }),
      t.lab.runtime.docker.listNetworks({ filters }),
    ]);
    expect(containers.filter((c) => ours.has(c.Labels[LABELS.env]))).toEqual([]);
    expect(networks.filter((n) => ours.has(n.Labels?.[LABELS.env]))).toEqual([]);
  });
});

/**
 * The engine finishes a network creation after our deadline gave up on it (a busy engine does):
 * the failed start must not leave that network behind.
 */
describe('a network creation that times out on our side', () => {
  let lab: Lab;
  const owner = `late-network-${crypto.randomBytes(3).toString('hex')}`;
  const ownerFilter = { label: [`${LABELS.owner}=${owner}`] };

  beforeAll(() => {
    lab = testLab({ FAULTLINE_DOCKER_TIMEOUT_MS: '1000' });
  });

  afterAll(async () => {
    for (const n of await lab.runtime.docker.listNetworks({ filters: ownerFilter })) await lab.runtime.docker.getNetwork(n.Id).remove();
  });

  it('is removed when it appears late', async () => {
    const docker = lab.runtime.docker;
    const real = docker.createNetwork.bind(docker);
    let late: Promise<unknown> = Promise.resolve();
    // The request is cut off at our deadline, and the engine creates the network a moment later.
    docker.createNetwork = ((options: Docker.NetworkCreateOptions & { abortSignal: AbortSignal }) =>
      new Promise((_resolve, reject) => {
        options.abortSignal.addEventListener('abort', () => {
          reject(new Error('request aborted'));
          const { abortSignal: _signal, ...rest } = options;
          late = new Promise((r) => setTimeout(r, 300)).then(() => real(rest));
        });
      })) as typeof docker.createNetwork;
    try {
      await expect(lab.up(SCENARIO, { ttlMinutes: 5, owner })).rejects.toThrow(/create network .* within 1000 ms/);
    } finally {
      docker.createNetwork = real;
    }
    await late;
    expect(await docker.listNetworks({ filters: ownerFilter })).toEqual([]);
  });
});

/** A host whose service never comes up: the failure says which host, how long from its start, and what it was doing. */
describe('a host that never becomes ready', () => {
  const owner = `never-ready-${crypto.randomBytes(3).toString('hex')}`;
  let lab: Lab;

  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-never-ready-'));
    fs.cpSync(path.resolve('scenarios', SCENARIO), path.join(dir, SCENARIO), { recursive: true });
    fs.symlinkSync(path.resolve('scenarios', 'images'), path.join(dir, 'images'));
    // named refuses this configuration, so the dns host's readiness probe never passes.
    fs.writeFileSync(path.join(dir, SCENARIO, 'files', 'named.conf.local'), 'this is not a bind configuration;\n');
    lab = testLab({ FAULTLINE_SCENARIOS_DIR: dir, FAULTLINE_READY_TIMEOUT_MS: '5000' });
  });

  afterAll(async () => {
    for (const env of (await lab.runtime.list()).filter((e) => e.owner === owner)) await lab.down(env.id);
  });

  it('fails naming the host, the wait counted from its start, the start call and what it still ran, and leaves nothing', async () => {
    await expect(lab.up(SCENARIO, { ttlMinutes: 5, owner })).rejects.toThrow(
      /^Host ns \(dns\) was not ready \d+ s after its container started \(the start call itself took \d+\.\d s; still running: .+\)\. Its service failed to start .*service failed to start/,
    );
    expect((await lab.runtime.list()).filter((e) => e.owner === owner)).toEqual([]);
  });
});
