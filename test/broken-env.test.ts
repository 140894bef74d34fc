import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitReady, type TestServer } from './server-helpers.js';
import { TermClient } from './terminal-client.js';

/** A candidate who kills PID 1 gets the workstation back by itself, told what happened; a reset still works. */
describe('a candidate kills PID 1', () => {
  let t: TestServer;
  let id = '';
  let token = '';

  beforeAll(async () => {
    t = await startTestServer();
    const created = await t.api<{ session: { id: string }; tokens: { candidate: string } }>('POST', '/api/sessions', {
      body: { scenarioId: 'dns-stale-record', mode: 'practice' },
    });
    id = created.body.session.id;
    token = created.body.tokens.candidate;
    await waitReady(t, id, token);
  });

  afterAll(async () => {
    if (id) await t.api('POST', `/api/sessions/${id}/end`, { token });
    await t?.server.close();
  });

  it('is told the workstation stopped and was restarted, gets a shell again, and reset works', async () => {
    const client = await TermClient.connect(t.url, id, token);
    await client.untilOutput(/# $/);
    client.type('kill 1\r');
    const stopped = await client.message('status', (m) => /ws host stopped/.test(String(m.message)), 60_000);
    expect(stopped.phase).toBe('restarting');
    await client.message('status', (m) => /ws host restarted/.test(String(m.message)), 90_000);
    await client.untilOutput(/starting it again with your files\][^]*# $/, 30_000);
    client.type('echo up-$((40+2))\r');
    await client.untilOutput(/up-42/);

    const reset = await t.api('POST', `/api/sessions/${id}/reset`, { token });
    expect(reset.status).toBe(202);
    const session = await waitReady(t, id, token);
    expect(session.state).toBe('ready');
    // A page opened now, as a browser tab does, takes the shell over from the first socket.
    const after = await TermClient.connect(t.url, id, token, { protocols: ['faultline.v1', `faultline.token.${token}`, 'faultline.claim'] });
    await after.until('a prompt after the reset', () => /# $/.test(after.snapshot) || /# $/.test(after.output), 60_000);
    after.type('echo back-$((20+1))\r');
    await after.untilOutput(/back-21/);
    client.ws.terminate();
    after.ws.terminate();
  });
});
