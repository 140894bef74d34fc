import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedSession, InterviewList, SessionView } from '../server/src/contract/index.js';
import { INTERVIEWER_KEY, startTestServer, waitReady, type TestServer } from './server-helpers.js';
import { TermClient } from './terminal-client.js';

const SECRET = 'webhook-secret-for-tests-0123456789';
const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback that keeps what it was sent. */
async function receiver(): Promise<{ url: string; deliveries: Delivery[]; close: () => Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, deliveries, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the hiring flow over the API', () => {
  let t: TestServer;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const opened: Array<{ id: string; token: string }> = [];

  const book = async (body: Record<string, unknown>) => {
    const res = await t.api<CreatedSession & { error?: { message: string } }>('POST', '/api/sessions', { token: INTERVIEWER_KEY, body: { mode: 'interview', ...body } });
    if (res.status === 201) opened.push({ id: res.body.session.id, token: res.body.tokens.interviewer as string });
    return res;
  };
  const view = async (id: string, token: string) => (await t.api<{ session: SessionView }>('GET', `/api/sessions/${id}`, { token })).body.session;
  const dashboard = async (query = '') => (await t.api<InterviewList>('GET', `/api/interviews${query}`, { token: INTERVIEWER_KEY })).body.interviews;

  beforeAll(async () => {
    hook = await receiver();
    t = await startTestServer({ FAULTLINE_LOBBY_OPENS_EARLY_MINUTES: '0', FAULTLINE_WEBHOOK_URL: hook.url, FAULTLINE_WEBHOOK_SECRET: SECRET });
  });

  afterAll(async () => {
    for (const { id, token } of opened) await t.api('POST', `/api/sessions/${id}/end`, { token });
    await t.server.close();
    await hook.close();
  });

  it('refuses malformed bookings with the field named', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ scenarioId: 'dns-stale-record', parts: [{ scenarioId: 'dns-stale-record' }] }, /exactly one of/],
      [{ scenarioId: 'dns-stale-record', window: { opensAt: minutes(-60), closesAt: minutes(-30), timeZone: 'Europe/London' } }, /over already/],
      [{ scenarioId: 'dns-stale-record', window: { opensAt: minutes(10), closesAt: minutes(5), timeZone: 'Europe/London' } }, /close after/],
      [{ scenarioId: 'dns-stale-record', window: { opensAt: minutes(10), closesAt: minutes(50), timeZone: 'Mars/Olympus' } }, /time zone/],
      [{ parts: [] }, /parts/],
    ];
    for (const [body, message] of cases) {
      const res = await book(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error?.message).toMatch(message);
    }
    const practice = await t.api<{ error: { message: string } }>('POST', '/api/sessions', {
      body: { mode: 'practice', scenarioId: 'dns-stale-record', window: { opensAt: minutes(1), closesAt: minutes(30), timeZone: 'UTC' } },
    });
    expect(practice.status).toBe(400);
    expect((await book({ planId: 'nosuchplan' })).status).toBe(404);
  });

  it('an invite before its window runs nothing, shows the candidate it is early, and refuses their socket', async () => {
    const res = await book({ scenarioId: 'dns-stale-record', candidateName: 'Early Bird', window: { opensAt: minutes(60), closesAt: minutes(120), timeZone: 'America/New_York' } });
    expect(res.status).toBe(201);
    const { session, tokens } = res.body;
    expect(session.state).toBe('scheduled');
    expect(session.window?.timeZone).toBe('America/New_York');
    const candidate = await view(session.id, tokens.candidate);
    expect(candidate).toMatchObject({ state: 'scheduled', invite: 'early' });
    await expect(TermClient.connect(t.url, session.id, tokens.candidate)).rejects.toMatchObject({ status: 403 });
    const envs = await t.lab.runtime.list();
    expect(envs.filter((e) => e.owner === t.lab.sessionOwner)).toHaveLength(0);
    const [row] = await dashboard('?q=early%20bird');
    expect(row).toMatchObject({ id: session.id, status: 'scheduled', candidateName: 'Early Bird', solved: false });
    expect(row?.links.candidate).toBe(res.body.links.candidate);
  });

  it('a withdrawn invite says so to the candidate and cannot be started', async () => {
    const { body } = await book({ scenarioId: 'dns-stale-record', window: { opensAt: minutes(-1), closesAt: minutes(60), timeZone: 'UTC' } });
    const revoke = await t.api('POST', `/api/sessions/${body.session.id}/revoke`, { token: body.tokens.interviewer });
    expect(revoke.status).toBe(200);
    expect(await view(body.session.id, body.tokens.candidate)).toMatchObject({ invite: 'revoked' });
    expect((await t.api('POST', `/api/sessions/${body.session.id}/start`, { token: body.tokens.interviewer })).status).toBe(409);
    expect((await t.api('POST', `/api/sessions/${body.session.id}/revoke`, { token: body.tokens.candidate })).status).toBe(403);
    const [row] = (await dashboard('?status=revoked')).filter((r) => r.id === body.session.id);
    expect(row?.status).toBe('revoked');
  });

  it('an invite whose window passes unstarted expires, and its link says the window is over', async () => {
    const { body } = await book({ scenarioId: 'dns-stale-record', window: { opensAt: minutes(-1), closesAt: new Date(Date.now() + 2500).toISOString(), timeZone: 'UTC' } });
    expect(await view(body.session.id, body.tokens.candidate)).toMatchObject({ invite: 'open' });
    await expect.poll(async () => (await view(body.session.id, body.tokens.interviewer as string)).state, { timeout: 10_000 }).toBe('expired');
    expect(await view(body.session.id, body.tokens.candidate)).toMatchObject({ invite: 'closed' });
    await expect(TermClient.connect(t.url, body.session.id, body.tokens.candidate)).rejects.toMatchObject({ status: 403 });
  });

  it('lobby, Start, two parts, extra time, check visibility, the dashboard, its exports and the webhook', async () => {
    const plan = await t.api<{ plan: { id: string } }>('POST', '/api/plans', {
      token: INTERVIEWER_KEY,
      body: { name: `warm-up then main ${Date.now()}`, parts: [{ scenarioId: 'dns-stale-record', timeLimitMinutes: 10 }, { scenarioId: 'tcp-loopback-bind' }] },
    });
    expect(plan.status).toBe(201);
    const { body } = await book({ planId: plan.body.plan.id, candidateName: 'Grace', interviewerName: 'Ira', window: { opensAt: minutes(-1), closesAt: minutes(60), timeZone: 'Europe/Berlin' } });
    const id = body.session.id;
    const { candidate: candidateToken, interviewer: interviewerToken } = body.tokens as Required<CreatedSession['tokens']>;
    expect(body.session).toMatchObject({ state: 'scheduled', part: { index: 0, total: 2 }, checkVisibility: 'symptom' });

    // The candidate arrives in the lobby: the interviewer's socket hears it, the dashboard shows them waiting.
    const watcher = await TermClient.connect(t.url, id, interviewerToken);
    const lobby = await TermClient.connect(t.url, id, candidateToken);
    lobby.control({ type: 'ping', id: 7 });
    await lobby.message('pong', (m) => m.id === 7);
    // A flood of pings is answered within the socket's control budget only.
    for (let i = 0; i < 300; i++) lobby.control({ type: 'ping', id: 1000 + i });
    await lobby.message('error', (m) => m.code === 'rate_limited');
    expect(lobby.messages.filter((m) => m.type === 'pong' && Number(m.id) >= 1000).length).toBeLessThan(100);
    await watcher.message('event', (m) => (m.event as { type: string }).type === 'lobby');
    expect((await view(id, interviewerToken)).presence?.candidate.connected).toBe(true);
    expect((await dashboard('?q=grace'))[0]?.status).toBe('waiting');
    await expect.poll(() => hook.deliveries.find((d) => d.headers['x-faultline-event'] === 'candidate.lobby'), { timeout: 10_000 }).toBeDefined();
    const delivery = hook.deliveries.find((d) => d.headers['x-faultline-event'] === 'candidate.lobby') as Delivery;
    const signed = `${String(delivery.headers['x-faultline-timestamp'])}.${delivery.body}`;
    expect(delivery.headers['x-faultline-signature']).toBe(`sha256=${crypto.createHmac('sha256', SECRET).update(signed).digest('hex')}`);
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'candidate.lobby', sessionId: id, candidateName: 'Grace' });
    expect(delivery.body).not.toContain(candidateToken);

    // Start: the clock begins only now.
    expect((await t.api('POST', `/api/sessions/${id}/start`, { token: interviewerToken })).status).toBe(202);
    const ready = await waitReady(t, id, interviewerToken);
    expect(ready.state).toBe('ready');
    const started = await view(id, interviewerToken);
    expect(Date.parse(started.expiresAt) - Date.parse(started.readyAt as string)).toBe(10 * 60_000);
    await lobby.message('status', (m) => m.state === 'ready');

    // What the candidate sees of the checks follows the setting.
    await t.api('POST', `/api/sessions/${id}/checks`, { token: interviewerToken });
    const symptom = await view(id, candidateToken);
    expect(symptom.checks.length).toBeGreaterThan(0);
    expect(symptom.checks[0]).not.toHaveProperty('title');
    await t.api('PUT', `/api/sessions/${id}/visibility`, { token: interviewerToken, body: { checkVisibility: 'hidden' } });
    expect((await view(id, candidateToken)).checks).toEqual([]);
    await t.api('PUT', `/api/sessions/${id}/visibility`, { token: interviewerToken, body: { checkVisibility: 'full' } });
    expect((await view(id, candidateToken)).checks[0]).toHaveProperty('title');
    expect((await t.api('PUT', `/api/sessions/${id}/visibility`, { token: interviewerToken, body: { checkVisibility: 'everything' } })).status).toBe(400);

    // More time: the end moves by exactly that much.
    const extended = await t.api<{ session: SessionView }>('POST', `/api/sessions/${id}/extend`, { token: interviewerToken, body: { minutes: 5 } });
    expect(Date.parse(extended.body.session.expiresAt) - Date.parse(started.expiresAt)).toBe(5 * 60_000);
    expect((await t.api('POST', `/api/sessions/${id}/extend`, { token: interviewerToken, body: { minutes: 0 } })).status).toBe(400);
    expect((await t.api('POST', `/api/sessions/${id}/extend`, { token: candidateToken, body: { minutes: 5 } })).status).toBe(403);

    // The next part: its own environment, checks and clock; the first is kept for the report.
    const next = await t.api<{ session: SessionView }>('POST', `/api/sessions/${id}/next`, { token: interviewerToken });
    expect(next.status).toBe(202);
    await waitReady(t, id, interviewerToken);
    const second = await view(id, interviewerToken);
    expect(second.part).toEqual({ index: 1, total: 2 });
    expect(second.scenario.id).toBe('tcp-loopback-bind');
    expect(second.parts?.map((p) => p.scenario.id)).toEqual(['dns-stale-record', 'tcp-loopback-bind']);
    expect(second.parts?.[0]?.endedAt).toBeDefined();
    expect(second.nextPart).toBeUndefined();
    expect((await t.api<{ error: { message: string } }>('POST', `/api/sessions/${id}/next`, { token: interviewerToken })).body.error.message).toMatch(/last part/);
    expect((await view(id, candidateToken)).part).toEqual({ index: 1, total: 2 });

    await lobby.close();
    await watcher.close();
    expect((await t.api('POST', `/api/sessions/${id}/end`, { token: interviewerToken })).status).toBe(200);
    const [row] = (await dashboard('?q=ira')).filter((r) => r.id === id);
    expect(row).toMatchObject({ status: 'finished', scenarios: ['The shop moved and nobody can reach it', expect.any(String)], interviewerName: 'Ira' });
    await expect.poll(() => hook.deliveries.some((d) => d.headers['x-faultline-event'] === 'interview.finished'), { timeout: 10_000 }).toBe(true);

    const csv = await fetch(`${t.url}/api/interviews/export?format=csv&q=grace`, { headers: { authorization: `Bearer ${INTERVIEWER_KEY}` } });
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="faultline-interviews-.*\.csv"/);
    const text = await csv.text();
    expect(text.split('\n')[0]).toMatch(/^id,status,candidate/);
    expect(text).toContain(id);
    const json = await t.api<unknown[]>('GET', '/api/interviews/export?format=json&q=grace', { token: INTERVIEWER_KEY });
    expect(JSON.stringify(json.body)).toContain(id);
    expect((await t.api('GET', '/api/interviews')).status).toBe(401);
    expect((await t.api('GET', '/api/interviews', { token: candidateToken })).status).toBe(401);
  });

  it('a booked interview survives a restart: same links, still scheduled, and it starts', async () => {
    const { body } = await book({ scenarioId: 'dns-stale-record', candidateName: 'Restart', window: { opensAt: minutes(-1), closesAt: minutes(60), timeZone: 'UTC' } });
    const id = body.session.id;
    const interviewer = body.tokens.interviewer as string;
    const dataDir = t.config.dataDir;
    await t.server.close();
    t = await startTestServer({ FAULTLINE_DATA_DIR: dataDir, FAULTLINE_LOBBY_OPENS_EARLY_MINUTES: '0' });
    expect(await view(id, body.tokens.candidate)).toMatchObject({ state: 'scheduled', invite: 'open' });
    const [row] = await dashboard('?q=restart');
    expect(row?.links.interviewer.split('/i/')[1]).toBe(body.links.interviewer?.split('/i/')[1]);
    expect((await t.api('POST', `/api/sessions/${id}/start`, { token: interviewer })).status).toBe(202);
    expect((await waitReady(t, id, interviewer)).state).toBe('ready');
  });
});
