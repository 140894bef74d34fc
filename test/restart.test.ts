import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ownerLabel } from '../server/src/lab/index.js';
import { LABELS } from '../server/src/runtime/docker.js';
import { SessionStore } from '../server/src/sessions/index.js';
import { recordingPath } from '../server/src/terminal/index.js';
import { testLab } from './helpers.js';
import { INTERVIEWER_KEY, api, exited, freePort, serve, startTestServer, waitReady } from './server-helpers.js';
import { TermClient } from './terminal-client.js';

describe('server killed with SIGKILL mid-session and restarted', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-restart-'));
  const children: ChildProcess[] = [];
  let envId: string | undefined;

  afterAll(async () => {
    for (const c of children) {
      c.kill('SIGKILL');
      await exited(c);
    }
    // Whatever happened above, this test's environment does not outlive it.
    if (envId) await testLab().down(envId);
  });

  it('re-adopts the same environment; timeline, notes and recording are intact', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const call = <T>(method: string, p: string, opts?: { token?: string; body?: unknown }) => api<T>(base, method, p, opts);
    const first = await serve(dataDir, port);
    children.push(first.child);

    const created = await call<{ session: { id: string }; tokens: { candidate: string; interviewer: string } }>('POST', '/api/sessions', {
      token: INTERVIEWER_KEY,
      body: { scenarioId: 'dns-stale-record', mode: 'interview' },
    });
    expect(created.status).toBe(201);
    const id = created.body.session.id;
    const { candidate: ct, interviewer: it_ } = created.body.tokens;
    await waitReady({ api: call }, id, ct);
    const events = async () => (await call<{ events: Array<{ type: string; data: Record<string, unknown> }> }>('GET', `/api/sessions/${id}/events`, { token: it_ })).body.events;
    envId = String((await events()).find((e) => e.type === 'ready')?.data.envId);

    const before = await TermClient.connect(base, id, ct);
    await before.untilOutput(/# $/);
    before.type('echo from-before-the-kill > /root/marker; echo PID=$$\r');
    await before.untilOutput(/PID=(\d+)/);
    const pidBefore = /PID=(\d+)/.exec(before.output)?.[1];
    await call('POST', `/api/sessions/${id}/notes`, { token: it_, body: { text: 'note written before the crash' } });
    await call('POST', `/api/sessions/${id}/hints`, { token: it_ });
    const timelineBefore = await events();

    first.child.kill('SIGKILL');
    await exited(first.child);
    await before.closed;

    const second = await serve(dataDir, port);
    children.push(second.child);
    expect(second.output()).toMatch(/1 session\(s\) re-adopted/);

    const session = (await call<{ session: Record<string, unknown> }>('GET', `/api/sessions/${id}`, { token: it_ })).body.session;
    expect(session.state).toBe('ready');
    expect((session.notes as Array<{ text: string }>).map((n) => n.text)).toEqual(['note written before the crash']);
    expect((session.hints as { revealed: unknown[] }).revealed).toHaveLength(1);
    const timelineAfter = await events();
    expect(timelineAfter.slice(0, timelineBefore.length)).toEqual(timelineBefore);

    // Same containers: the file written before the kill is still there. The shell is a new
    // exec (the old one's stream died with the process), so its PID may differ.
    const after = await TermClient.connect(base, id, ct);
    await after.untilOutput(/# $/);
    after.type('cat /root/marker; echo PID=$$\r');
    await after.untilOutput(/\rfrom-before-the-kill\r\n/);
    await after.untilOutput(/PID=(\d+)/);
    const pidAfter = /PID=(\d+)/.exec(after.output)?.[1];
    expect(pidBefore).toMatch(/^\d+$/);
    expect(pidAfter).not.toBe(pidBefore);

    const cast = fs.readFileSync(recordingPath(dataDir, id), 'utf8').trim().split('\n');
    const rows = cast.slice(1).map((l) => JSON.parse(l) as [number, string, string]);
    expect(cast.filter((l) => l.startsWith('{')).length).toBe(1);
    expect(rows.some((r) => r[1] === 'o' && r[2].includes('PID='))).toBe(true);
    expect(rows.some((r) => r[1] === 'o' && r[2].includes('from-before-the-kill'))).toBe(true);
    const times = rows.map((r) => r[0]);
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const ended = await call<{ session: { state: string } }>('POST', `/api/sessions/${id}/end`, { token: it_ });
    expect(ended.body.session.state).toBe('ended');
    const left = await testLab().runtime.docker.listContainers({ all: true, filters: { label: [`${LABELS.env}=${envId}`] } });
    expect(left).toEqual([]);
    envId = undefined;
    after.ws.terminate();
    second.child.kill('SIGTERM');
    await exited(second.child);
  });

  it('marks a session failed when its environment vanished while the server was down', async () => {
    const first = await startTestServer();
    const created = await first.api<{ session: { id: string }; tokens: { candidate: string } }>('POST', '/api/sessions', {
      body: { scenarioId: 'dns-stale-record', mode: 'practice' },
    });
    const id = created.body.session.id;
    const token = created.body.tokens.candidate;
    await waitReady(first, id, token);
    const gone = first.server.sessions.environment(id)?.env.id;
    await first.server.close();
    if (gone) await first.lab.down(gone);
    const second = await startTestServer({ FAULTLINE_DATA_DIR: first.config.dataDir });
    try {
      expect(second.server.recovered.failed).toBe(1);
      const session = (await second.api<{ session: Record<string, unknown> }>('GET', `/api/sessions/${id}`, { token })).body.session;
      expect(session.state).toBe('failed');
      expect(session.error).toMatch(/gone from the Docker engine/);
    } finally {
      await second.server.close();
    }
  });
});

describe('a session on a warm pool environment through SIGKILL and SIGTERM restarts', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-restart-pool-'));
  const pooled = { FAULTLINE_POOL_SIZE: '1', FAULTLINE_POOL_SCENARIOS: 'dns-stale-record' };
  const children: ChildProcess[] = [];

  afterAll(async () => {
    for (const c of children) {
      c.kill('SIGKILL');
      await exited(c);
    }
    // Everything this test's servers made: the session's environment and any warm one.
    const lab = testLab();
    const mine = (await lab.runtime.list()).filter((e) => e.owner === ownerLabel(dataDir, 'pool') || e.owner === ownerLabel(dataDir, 'session'));
    await Promise.all(mine.map((e) => lab.down(e.id)));
  });

  it('keeps the claimed environment: the session comes back ready, its files and terminal intact', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const call = <T>(method: string, p: string, opts?: { token?: string; body?: unknown }) => api<T>(base, method, p, opts);
    const poolReady = async () => {
      const metrics = (await call<string>('GET', '/metrics')).body;
      return /faultline_pool_environments\{scenario="dns-stale-record",status="ready"\} 1/.test(metrics);
    };
    let server = await serve(dataDir, port, pooled);
    children.push(server.child);
    await expect.poll(poolReady, { timeout: 120_000, interval: 500 }).toBe(true);

    const created = await call<{ session: { id: string }; tokens: { candidate: string } }>('POST', '/api/sessions', {
      body: { scenarioId: 'dns-stale-record', mode: 'practice' },
    });
    expect(created.status).toBe(201);
    const id = created.body.session.id;
    const token = created.body.tokens.candidate;
    expect((await waitReady({ api: call }, id, token)).state).toBe('ready');
    const store = new SessionStore(path.join(dataDir, 'faultline.db'));
    const ready = store.events(id).find((e) => e.type === 'ready');
    store.close();
    expect(ready?.data.source).toBe('pool');

    const first = await TermClient.connect(base, id, token);
    await first.untilOutput(/# $/);
    first.type('echo written-on-a-pooled-env > /root/pooled-marker; echo WROTE\r');
    await first.untilOutput(/\rWROTE\r\n/);

    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      server.child.kill(signal);
      await exited(server.child);
      server = await serve(dataDir, port, pooled);
      children.push(server.child);
      expect(server.output(), signal).toMatch(/1 session\(s\) re-adopted, 0 failed/);
      const session = (await call<{ session: { state: string; error?: string } }>('GET', `/api/sessions/${id}`, { token })).body.session;
      expect(session, signal).toMatchObject({ state: 'ready' });
      const term = await TermClient.connect(base, id, token);
      await term.untilOutput(/# $/);
      term.type(`cat /root/pooled-marker; echo AFTER-${signal}\r`);
      await term.untilOutput(new RegExp(`\\rwritten-on-a-pooled-env\\r\\nAFTER-${signal}\\r\\n`));
      term.ws.terminate();
    }

    const ended = await call<{ session: { state: string } }>('POST', `/api/sessions/${id}/end`, { token });
    expect(ended.body.session.state).toBe('ended');
    server.child.kill('SIGTERM');
    await exited(server.child);
  });
});
