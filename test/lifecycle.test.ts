import fs from 'node:fs';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { LABELS, engineStatus } from '../server/src/runtime/docker.js';
import { startTestServer, waitReady, type TestServer } from './server-helpers.js';

/**
 * 100 create/end cycles through the REST API, then nothing may have grown: containers, networks,
 * open file descriptors (hijacked exec sockets would show here), heap. Figures are printed.
 */
const CYCLES = Number(process.env.FAULTLINE_LIFECYCLE_CYCLES ?? 100);
const SCENARIO = 'dns-stale-record';

const openFds = () => fs.readdirSync('/proc/self/fd').length;

/**
 * Left networks the engine itself cannot remove: it answers "has active endpoints" while it lists
 * no endpoint on them, and no disconnect finds one (seen under this test's load with Debian's
 * docker.io 20.10; only an engine restart clears it). The server tried and logged each failure;
 * this names them instead of failing on the engine's fault. Any other leftover still fails.
 */
async function stuckInEngine(docker: Docker, networkIds: string[]): Promise<string[]> {
  const stuck: string[] = [];
  for (const id of networkIds) {
    const info = await docker.getNetwork(id).inspect();
    if (Object.keys(info.Containers ?? {}).length > 0) continue;
    const refused = await docker
      .getNetwork(id)
      .remove()
      .then(
        () => false,
        (err: unknown) => engineStatus(err) === 403 && /active endpoints/.test(String(err)),
      );
    if (refused) stuck.push(info.Name);
  }
  return stuck;
}

describe(`${CYCLES} create/end cycles`, () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t?.server.close();
  });

  it('leave no container, network, file descriptor or memory growth behind', { timeout: 1_800_000 }, async () => {
    const envIds: string[] = [];
    const owned = async () => {
      const filters = { label: [`${LABELS.managed}=true`] };
      const [containers, networks] = await Promise.all([
        t.lab.runtime.docker.listContainers({ all: true, filters }),
        t.lab.runtime.docker.listNetworks({ filters }),
      ]);
      // Other suites' or users' environments may exist; only this server's sessions count.
      const ours = new Set(envIds);
      const left = networks.filter((n) => ours.has(n.Labels?.[LABELS.env] ?? ''));
      const stuck = await stuckInEngine(t.lab.runtime.docker, left.map((n) => n.Id));
      return {
        containers: containers.filter((c) => ours.has(c.Labels[LABELS.env] ?? '')).length,
        networks: left.length - stuck.length,
        stuck,
      };
    };
    // One warm-up cycle so lazily created things (DB statements, agents) are not counted as growth.
    const cycle = async () => {
      const created = await t.api<{ session: { id: string }; tokens: { candidate: string } }>('POST', '/api/sessions', {
        body: { scenarioId: SCENARIO, mode: 'practice' },
      });
      expect(created.status).toBe(201);
      const { id } = created.body.session;
      const token = created.body.tokens.candidate;
      const session = await waitReady(t, id, token);
      expect(session.state).toBe('ready');
      const envId = t.server.sessions.get(id).envId;
      if (envId) envIds.push(envId);
      const ended = await t.api('POST', `/api/sessions/${id}/end`, { token });
      expect(ended.status).toBe(200);
    };
    await cycle();
    global.gc?.();
    const before = { fds: openFds(), heapMb: process.memoryUsage().heapUsed / 2 ** 20, rssMb: process.memoryUsage().rss / 2 ** 20 };
    const started = Date.now();
    const limit = pLimit(4);
    await Promise.all(Array.from({ length: CYCLES }, () => limit(cycle)));
    // Engine calls ride Node's keep-alive agent, whose idle sockets close after 5 s: how many are
    // open at the end depends on the last moments' concurrency, so let them go before counting.
    await new Promise((r) => setTimeout(r, 6000));
    global.gc?.();
    const after = { fds: openFds(), heapMb: process.memoryUsage().heapUsed / 2 ** 20, rssMb: process.memoryUsage().rss / 2 ** 20 };
    const { stuck, ...left } = await owned();
    // An environment whose only object is a network stuck in the engine is not the server's leftover.
    const stuckEnvs = new Set(stuck.map((name) => name.replace(/^fl-/, '')));
    const leftovers = (await t.lab.runtime.list()).filter((e) => envIds.includes(e.id) && !(stuckEnvs.has(e.id) && Object.keys(e.containers).length === 0));
    process.stdout.write(
      `\n${CYCLES} cycles in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        `fds ${before.fds} -> ${after.fds}, heap ${before.heapMb.toFixed(1)} -> ${after.heapMb.toFixed(1)} MB, ` +
        `rss ${before.rssMb.toFixed(1)} -> ${after.rssMb.toFixed(1)} MB, containers left ${left.containers}, networks left ${left.networks}` +
        (stuck.length > 0 ? `, networks the engine refuses to remove with no endpoint listed: ${stuck.join(', ')}` : '') +
        '\n',
    );
    expect(left).toEqual({ containers: 0, networks: 0 });
    expect(envIds.length).toBe(CYCLES + 1);
    expect(leftovers).toEqual([]);
    // A leaked exec socket per cycle would add 100 descriptors; allow a few for connections made once.
    expect(after.fds - before.fds).toBeLessThan(10);
    expect(after.heapMb - before.heapMb).toBeLessThan(64);
  });
});
