import fs from 'node:fs';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../server/src/runtime/docker.js';
import { startTestServer, waitReady, type TestServer } from './server-helpers.js';

/**
 * 100 create/end cycles through the REST API, then nothing may have grown: containers, networks,
 * open file descriptors (hijacked exec sockets would show here), heap. Figures are printed.
 */
const CYCLES = Number(process.env.FAULTLINE_LIFECYCLE_CYCLES ?? 100);
const SCENARIO = 'dns-stale-record';

const openFds = () => fs.readdirSync('/proc/self/fd').length;

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
      return {
        containers: containers.filter((c) => ours.has(c.Labels[LABELS.env] ?? '')).length,
        networks: networks.filter((n) => ours.has(n.Labels?.[LABELS.env] ?? '')).length,
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
    const left = await owned();
    const leftovers = (await t.lab.runtime.list()).filter((e) => envIds.includes(e.id));
    process.stdout.write(
      `\n${CYCLES} cycles in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        `fds ${before.fds} -> ${after.fds}, heap ${before.heapMb.toFixed(1)} -> ${after.heapMb.toFixed(1)} MB, ` +
        `rss ${before.rssMb.toFixed(1)} -> ${after.rssMb.toFixed(1)} MB, containers left ${left.containers}, networks left ${left.networks}\n`,
    );
    expect(left).toEqual({ containers: 0, networks: 0 });
    expect(envIds.length).toBe(CYCLES + 1);
    expect(leftovers).toEqual([]);
    // A leaked exec socket per cycle would add 100 descriptors; allow a few for connections made once.
    expect(after.fds - before.fds).toBeLessThan(10);
    expect(after.heapMb - before.heapMb).toBeLessThan(64);
  });
});
