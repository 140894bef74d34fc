import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../server/src/http/index.js';
import { Lab } from '../server/src/lab/index.js';
import { CHECKER_IMAGE } from '../server/src/runtime/checker.js';
import { SecondEngine } from './second-engine.js';
import { api, testServerConfig, waitReady } from './server-helpers.js';
import { TermClient } from './terminal-client.js';

/** The one scenario this test runs; only its images (and the checker's) are copied into the second engine. */
const SCENARIO = 'dns-stale-record';

/** A Lab whose engine client is built from DOCKER_HOST pointing at the second engine. */
function labOn(host: string, config: ReturnType<typeof testServerConfig>): Lab {
  const before = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = host;
  try {
    return new Lab(config);
  } finally {
    if (before === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = before;
  }
}

describe('the Docker engine restarts under a live session (a second engine of the test own)', () => {
  let engine: SecondEngine | undefined;
  let server: RunningServer | undefined;

  afterAll(async () => {
    await server?.close();
    await engine?.destroy();
  });

  it('says so while the engine is down, then starts the same containers again (servers first) with the files kept', { timeout: 420_000 }, async () => {
    // The shared engine's default bridge: a second engine must leave it alone (builds need it).
    const sharedBridge = fs.readFileSync('/sys/class/net/docker0/address', 'utf8');
    engine = await SecondEngine.start();
    // A subnet range of its own, so its bridges never overlap the shared engine's lab networks.
    const config = testServerConfig({ FAULTLINE_SUBNET_POOL: '10.250.7.0/24', FAULTLINE_HOST_FIREWALL: 'false' });
    const lab = labOn(engine.host, config);
    const used = [...Object.values(lab.scenario(SCENARIO).spec.hosts).map((h) => h.image), CHECKER_IMAGE];
    const images = [...new Set(used.map((image) => lab.images.tag(image)))];
    await engine.loadImages(images);
    server = await startServer(config, lab, { clientDist: '/nonexistent-client-dist' });
    const base = server.url;
    const call = <T>(method: string, p: string, opts?: { token?: string; body?: unknown }) => api<T>(base, method, p, opts);
    const created = await call<{ session: { id: string }; tokens: { candidate: string } }>('POST', '/api/sessions', {
      body: { scenarioId: SCENARIO, mode: 'practice' },
    });
    expect(created.status).toBe(201);
    const id = created.body.session.id;
    const token = created.body.tokens.candidate;
    expect((await waitReady({ api: call }, id, token)).state).toBe('ready');
    const env = server.sessions.environment(id)?.env;
    expect(env).toBeDefined();

    const term = await TermClient.connect(base, id, token);
    await term.untilOutput(/# $/);
    term.type('echo survives-the-engine > /root/kept; echo WROTE\r');
    await term.untilOutput(/\rWROTE\r\n/);

    await engine.stop();
    const down = await term.message('status', (m) => /Docker engine running this environment stopped/.test(String(m.message)), 60_000);
    expect(down).toMatchObject({ state: 'ready', phase: 'restarting' });
    const during = (await call<{ session: { state: string; phase?: string; notice?: string } }>('GET', `/api/sessions/${id}`, { token })).body.session;
    expect(during).toMatchObject({ state: 'ready', phase: 'restarting' });
    expect(during.notice).toMatch(/Docker engine .* stopped; the environment will be started again/);

    await engine.run();
    await term.message('status', (m) => /Docker engine restarted and stopped this environment; it was started again/.test(String(m.message)), 120_000);
    await term.untilOutput(/starting it again with your files\][^]*# $/, 30_000);
    term.type('cat /root/kept; echo ALIVE-$((6*7))\r');
    await term.untilOutput(/\rsurvives-the-engine\r\nALIVE-42\r\n/);

    // The same containers, started again: the DNS server before the workstation.
    const docker = engine.client();
    const started = async (host: string) => Date.parse((await docker.getContainer(env!.containers[host]!).inspect()).State.StartedAt);
    expect(server.sessions.environment(id)?.env.containers).toEqual(env!.containers);
    expect(await started('ns')).toBeLessThan(await started('ws'));
    const types = server.sessions.events(id).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['engine_down', 'engine_back', 'host_restarted']));
    const after = (await call<{ session: { state: string; phase?: string; notice?: string } }>('GET', `/api/sessions/${id}`, { token })).body.session;
    expect(after.phase).toBeUndefined();
    expect(after.notice).toMatch(/files are kept/);

    // A host reboot: the server and the engine both go down; the next server finds the hosts
    // stopped, re-adopts the session and starts them again.
    term.ws.terminate();
    await server.close();
    server = undefined;
    await engine.stop();
    await engine.run();
    server = await startServer(config, labOn(engine.host, config), { clientDist: '/nonexistent-client-dist' });
    expect(server.recovered.adopted).toBe(1);
    const rebooted = server;
    const call2 = <T>(method: string, p: string, opts?: { token?: string; body?: unknown }) => api<T>(rebooted.url, method, p, opts);
    await expect
      .poll(async () => (await call2<{ session: { notice?: string } }>('GET', `/api/sessions/${id}`, { token })).body.session.notice, { timeout: 120_000, interval: 500 })
      .toMatch(/it was started again: files are kept/);
    const again = await TermClient.connect(rebooted.url, id, token);
    await again.untilOutput(/# $/);
    again.type('cat /root/kept; echo ALIVE-$((6*7))\r');
    await again.untilOutput(/\rsurvives-the-engine\r\nALIVE-42\r\n/);
    again.ws.terminate();

    await call2('POST', `/api/sessions/${id}/end`, { token });
    expect(await docker.listContainers({ all: true })).toEqual([]);
    // Two starts of the second engine later, the shared engine still has the same default bridge.
    expect(fs.readFileSync('/sys/class/net/docker0/address', 'utf8')).toBe(sharedBridge);
  });
});
