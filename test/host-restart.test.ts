import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, waitReady, type TestServer } from './server-helpers.js';
import { TermClient } from './terminal-client.js';

/** What follows the restart notice in the terminal: a fresh prompt. */
const PROMPT_AFTER_RESTART = /starting it again with your files\][^]*# $/;

/** Servers the tests started; each one's session environments do not outlive a failure. */
const servers: TestServer[] = [];

async function server(env: Record<string, string>): Promise<TestServer> {
  const t = await startTestServer(env);
  servers.push(t);
  return t;
}

afterAll(async () => {
  for (const t of servers) {
    await t.server.close();
    const left = (await t.lab.runtime.list()).filter((e) => e.owner === t.lab.sessionOwner);
    await Promise.all(left.map((e) => t.lab.down(e.id)));
  }
});

describe('a lab host whose processes were all killed comes back by itself', () => {
  it('kill -9 -1 on ws: the same container restarts, files kept, terminal answers; past the bound it says so', async () => {
    const t = await server({ FAULTLINE_HOST_RESTARTS: '1' });
    const created = await t.api<{ session: { id: string }; tokens: { candidate: string } }>('POST', '/api/sessions', {
      body: { scenarioId: 'dns-stale-record', mode: 'practice' },
    });
    const id = created.body.session.id;
    const token = created.body.tokens.candidate;
    expect((await waitReady(t, id, token)).state).toBe('ready');
    const containerBefore = t.server.sessions.environment(id)?.env.containers.ws;

    const term = await TermClient.connect(t.url, id, token);
    await term.untilOutput(/# $/);
    term.type('echo the-candidates-work > /root/kept; echo WROTE\r');
    await term.untilOutput(/\rWROTE\r\n/);
    term.type('kill -9 -1\r');

    const restarted = await term.message('status', (m) => /restarted after all its processes were killed/.test(String(m.message)), 90_000);
    expect(restarted.state).toBe('ready');
    await term.untilOutput(PROMPT_AFTER_RESTART, 30_000);
    term.type('cat /root/kept; echo ALIVE-$((6*7))\r');
    await term.untilOutput(/\rthe-candidates-work\r\nALIVE-42\r\n/);
    // Restarted, not rebuilt: the same container.
    expect(t.server.sessions.environment(id)?.env.containers.ws).toBe(containerBefore);
    const session = (await t.api<{ session: { state: string; notice?: string } }>('GET', `/api/sessions/${id}`, { token })).body.session;
    expect(session.state).toBe('ready');
    expect(session.notice).toMatch(/The ws host restarted after all its processes were killed: files are kept/);
    expect(t.server.sessions.events(id).map((e) => e.type)).toEqual(expect.arrayContaining(['host_stopped', 'host_restarted']));
    // Checks run again on the restarted host.
    const checks = await t.api<{ checks: Array<{ passed: boolean; message: string }> }>('POST', `/api/sessions/${id}/checks`, { token });
    expect(checks.status).toBe(200);
    expect(checks.body.checks.map((c) => c.message).join(' ')).not.toMatch(/has stopped/);

    // FAULTLINE_HOST_RESTARTS=1: the second time within the window it stays down and says why.
    term.type('kill -9 -1\r');
    const refused = await term.message('status', (m) => /not restarted again/.test(String(m.message)), 90_000);
    expect(refused.message).toMatch(/The ws host stopped again .* after 1 automatic restarts within 10 minutes; it is not restarted again\. Reset the environment/);
    const after = (await t.api<{ session: { state: string; notice?: string } }>('GET', `/api/sessions/${id}`, { token })).body.session;
    expect(after.notice).toBe(refused.message);
    expect(t.server.sessions.events(id).map((e) => e.type)).toContain('host_restart_refused');

    await t.api('POST', `/api/sessions/${id}/end`, { token });
    term.ws.terminate();
  });
});

describe('a restart does not undo the fault', () => {
  // dns-dead-resolver breaks the workstation's resolver in a setup step; lab-init writes a working
  // one when the host boots. Killing every process on ws must not turn the checks green.
  it('kill -9 -1 on ws in dns-dead-resolver: the host comes back with its fault, the checks still fail', async () => {
    const t = await server({ FAULTLINE_CHECK_INTERVAL_MS: '600000' });
    const created = await t.api<{ session: { id: string }; tokens: { candidate: string } }>('POST', '/api/sessions', {
      body: { scenarioId: 'dns-dead-resolver', mode: 'practice' },
    });
    const id = created.body.session.id;
    const token = created.body.tokens.candidate;
    expect((await waitReady(t, id, token)).state).toBe('ready');
    const checks = async () =>
      (await t.api<{ checks: Array<{ passed: boolean }> }>('POST', `/api/sessions/${id}/checks`, { token })).body.checks.map((c) => c.passed);
    const before = await checks();
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((passed) => !passed)).toBe(true);

    const term = await TermClient.connect(t.url, id, token);
    await term.untilOutput(/# $/);
    term.type('kill -9 -1\r');
    await term.message('status', (m) => /restarted after all its processes were killed/.test(String(m.message)), 90_000);
    await term.untilOutput(PROMPT_AFTER_RESTART, 30_000);
    expect((await checks()).every((passed) => !passed)).toBe(true);

    await t.api('POST', `/api/sessions/${id}/end`, { token });
    term.ws.terminate();
  });
});
