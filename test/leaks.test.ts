import crypto from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ownerLabel } from '../server/src/lab/index.js';
import { LABELS } from '../server/src/runtime/docker.js';
import { testLab } from './helpers.js';
import { api, exited, freePort, serve, startTestServer, type TestServer } from './server-helpers.js';

const lab = testLab();
const docker = lab.runtime.docker;

/** Containers and networks on the engine carrying a label. */
async function objects(label: string): Promise<{ containers: number; networks: number }> {
  const filters = { label: [label] };
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  return { containers: containers.length, networks: networks.length };
}

/** A network as a server on this data dir makes one, with no container on it (a create that timed out on our side). */
async function danglingNetwork(dataDir: string): Promise<string> {
  const envId = crypto.randomBytes(5).toString('hex');
  await docker.createNetwork({
    Name: `fl-${envId}`,
    Driver: 'bridge',
    Internal: true,
    Labels: {
      [LABELS.managed]: 'true',
      [LABELS.env]: envId,
      [LABELS.scenario]: 'dns-stale-record',
      [LABELS.seed]: 'dangling',
      [LABELS.owner]: ownerLabel(dataDir, 'session'),
      // Not expired: only ownership may make it a leftover (any server's janitor reaps expired ones).
      [LABELS.expiresAt]: new Date(Date.now() + 3_600_000).toISOString(),
    },
    Options: { 'com.docker.network.bridge.name': `fl-${envId}` },
  });
  return envId;
}

describe('nothing a server made outlives a failure', () => {
  const dataDirs: string[] = [];
  const children: ChildProcess[] = [];

  afterAll(async () => {
    for (const c of children) {
      c.kill('SIGKILL');
      await exited(c);
    }
    // Whatever was left by a failure above goes now.
    const owners = new Set(dataDirs.flatMap((d) => [ownerLabel(d, 'session'), ownerLabel(d, 'pool')]));
    const mine = (await lab.runtime.list()).filter((e) => e.owner && owners.has(e.owner));
    await Promise.all(mine.map((e) => lab.down(e.id)));
  });

  it('a session still starting when the server is killed leaves nothing on the engine after the restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-leaks-'));
    dataDirs.push(dataDir);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const seed = crypto.randomBytes(4).toString('hex');
    const first = await serve(dataDir, port);
    children.push(first.child);
    const created = await api<{ session: { id: string }; tokens: { candidate: string } }>(base, 'POST', '/api/sessions', {
      body: { scenarioId: 'dns-stale-record', mode: 'practice', seed },
    });
    expect(created.status).toBe(201);
    // Killed once its containers exist, before it is ready.
    await expect.poll(async () => (await objects(`${LABELS.seed}=${seed}`)).containers, { timeout: 60_000, interval: 50 }).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    await exited(first.child);

    const second = await serve(dataDir, port);
    children.push(second.child);
    expect(second.output()).toMatch(/0 session\(s\) re-adopted, 1 failed, 1 leftover environment\(s\) removed/);
    const { id } = created.body.session;
    const session = (await api<{ session: { state: string } }>(base, 'GET', `/api/sessions/${id}`, { token: created.body.tokens.candidate })).body.session;
    expect(session.state).toBe('failed');
    expect(await objects(`${LABELS.seed}=${seed}`)).toEqual({ containers: 0, networks: 0 });
    second.child.kill('SIGTERM');
    await exited(second.child);
  });

  it('a labelled network with no container and no session is removed by recovery and by the janitor', async () => {
    let server: TestServer | undefined;
    try {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-leaks-'));
      dataDirs.push(dataDir);
      const beforeStart = await danglingNetwork(dataDir);
      // Another server's network (another data dir) is not this one's to remove.
      const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-leaks-other-'));
      dataDirs.push(otherDir);
      const others = await danglingNetwork(otherDir);
      server = await startTestServer({ FAULTLINE_DATA_DIR: dataDir });
      expect(server.server.recovered.removed).toBe(1);
      expect(await objects(`${LABELS.env}=${beforeStart}`)).toEqual({ containers: 0, networks: 0 });

      const whileRunning = await danglingNetwork(dataDir);
      expect(await server.server.sessions.sweepOrphans()).toEqual([whileRunning]);
      expect(await objects(`${LABELS.env}=${whileRunning}`)).toEqual({ containers: 0, networks: 0 });
      expect(await objects(`${LABELS.env}=${others}`)).toEqual({ containers: 0, networks: 1 });
      await lab.down(others);
    } finally {
      await server?.server.close();
    }
  });
});
