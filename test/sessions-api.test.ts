import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../server/src/runtime/docker.js';
import { INTERVIEWER_KEY, startTestServer, waitReady, type TestServer } from './server-helpers.js';
import { TermClient } from './terminal-client.js';

const SCENARIO = 'dns-stale-record';

type Json = Record<string, unknown> & { error?: { code: string; message: string } };
interface Created {
  session: { id: string; state: string };
  links: Record<string, string>;
  tokens: { candidate: string; interviewer: string; viewer: string };
}

/** One interview session shared by the tests below (they only read or add to it, in order). */
describe('sessions REST API', () => {
  let t: TestServer;
  let created: Created;
  let id: string;
  let tokens: Created['tokens'];

  beforeAll(async () => {
    t = await startTestServer();
    const res = await t.api<Created>('POST', '/api/sessions', {
      token: INTERVIEWER_KEY,
      body: { scenarioId: SCENARIO, mode: 'interview', candidateName: 'Ada' },
    });
    expect(res.status).toBe(201);
    created = res.body;
    id = created.session.id;
    tokens = created.tokens;
  });

  afterAll(async () => {
    if (id) await t.api('POST', `/api/sessions/${id}/end`, { token: tokens.interviewer });
    await t.server.close();
  });

  it('answers 201 at once with state starting, links with tokens in the fragment, and three roles', async () => {
    expect(created.session.state).toBe('starting');
    expect(id).toMatch(/^[a-z][a-z0-9]{14}$/);
    expect(Object.keys(created.tokens).sort()).toEqual(['candidate', 'interviewer', 'viewer']);
    for (const token of Object.values(created.tokens)) expect(token).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect(created.links.candidate).toBe(`${t.url}/s/${id}#${tokens.candidate}`);
    expect(created.links.interviewer).toBe(`${t.url}/i/${id}#${tokens.interviewer}`);
    const session = await waitReady(t, id, tokens.candidate);
    expect(session.state).toBe('ready');
  });

  it('refuses interviews without the interviewer key and practice when turned off', async () => {
    const body = { scenarioId: SCENARIO, mode: 'interview' };
    const noKey = await t.api<Json>('POST', '/api/sessions', { body });
    expect(noKey.status).toBe(401);
    expect(noKey.body.error?.code).toBe('unauthorized');
    const wrongKey = await t.api<Json>('POST', '/api/sessions', { body, token: 'wrong-key-wrong-key-wrong' });
    expect(wrongKey.status).toBe(401);
    // A missing key and a wrong one are told apart, in sentences, with no markdown a page would show raw.
    expect(noKey.body.error?.message).toMatch(/^To create an interview you need to be signed in\. Sign in at \/login, or send a personal API token .*, or the interviewer key/);
    expect(wrongKey.body.error?.message).toMatch(/^That credential cannot create an interview: it is not an API token or the interviewer key of this server\. Check it for typos/);
    for (const refusal of [noKey, wrongKey]) expect(refusal.body.error?.message).not.toMatch(/`|<interviewer key>/);
    t.config.allowPractice = false;
    try {
      const practice = await t.api<Json>('POST', '/api/sessions', { body: { scenarioId: SCENARIO, mode: 'practice' } });
      expect(practice.status).toBe(403);
      expect(practice.body.error?.message).toMatch(/FAULTLINE_ALLOW_PRACTICE/);
    } finally {
      t.config.allowPractice = true;
    }
  });

  it('validates input and answers errors as {error:{code,message}}', async () => {
    const unknown = await t.api<Json>('POST', '/api/sessions', { body: { scenarioId: 'nope', mode: 'practice' } });
    expect(unknown.status).toBe(404);
    const bad = await t.api<Json>('POST', '/api/sessions', { body: { scenarioId: SCENARIO, mode: 'solo' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/^mode/);
    const malformed = await t.api<Json>('POST', '/api/sessions', { raw: '{"scenarioId":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error?.code).toBe('bad_request');
    const huge = await t.api<Json>('POST', `/api/sessions/${id}/notes`, { token: tokens.interviewer, body: { text: 'x'.repeat(20_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error?.code).toBe('payload_too_large');
    const route = await t.api<Json>('GET', '/api/nothing-here');
    expect(route.status).toBe(404);
    expect(route.body.error?.code).toBe('not_found');
    // A page nobody serves: a browser gets a page (the client's not-found view when it is built), a program JSON.
    const page = await fetch(`${t.url}/nothing/here`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/There is no page here/);
    const asJson = await fetch(`${t.url}/nothing/here`, { headers: { accept: 'application/json' } });
    expect(asJson.status).toBe(404);
    expect(((await asJson.json()) as Json).error?.code).toBe('not_found');
    const apiAsPage = await fetch(`${t.url}/api/nothing-here`, { headers: { accept: 'text/html' } });
    expect(apiAsPage.status).toBe(404);
    expect(((await apiAsPage.json()) as Json).error?.code).toBe('not_found');
    const score = await t.api<Json>('PUT', `/api/sessions/${id}/score`, {
      token: tokens.interviewer,
      body: { outcome: 'pass', competencies: { method: 9, networking: 3, communication: 3 } },
    });
    expect(score.status).toBe(400);
    expect(score.body.error?.message).toMatch(/competencies\.method/);
  });

  it('authenticates tokens and enforces roles, and says why in sentences', async () => {
    const noToken = await t.api<Json>('GET', `/api/sessions/${id}`);
    expect(noToken.status).toBe(401);
    expect(noToken.body.error?.message).toMatch(/^No access token came with this request\. Open the whole link/);
    const wrongToken = await t.api<Json>('GET', `/api/sessions/${id}`, { token: 'x'.repeat(24) });
    expect(wrongToken.status).toBe(401);
    expect(wrongToken.body.error?.message).toMatch(/^This link's access token does not open this session\./);
    const candidateNote = await t.api<Json>('POST', `/api/sessions/${id}/notes`, { token: tokens.candidate, body: { text: 'hi' } });
    expect(candidateNote.body.error?.message).toBe("Only the interviewer of an interview can add notes. This is the candidate's link; ask your interviewer.");
    const viewerChecks = await t.api<Json>('POST', `/api/sessions/${id}/checks`, { token: tokens.viewer });
    expect(viewerChecks.body.error?.message).toBe('Only the candidate or the interviewer can run the checks. This is a viewer link, which only watches; ask the interviewer.');
    const candidateGiveUp = await t.api<Json>('POST', `/api/sessions/${id}/give-up`, { token: tokens.candidate });
    expect(candidateGiveUp.body.error?.message).toMatch(/^Only someone practising alone can give up\./);
    for (const refusal of [candidateNote, viewerChecks, candidateGiveUp]) expect(refusal.body.error?.message).not.toMatch(/cannot do this|a interview/);
    expect((await t.api<Json>('GET', `/api/sessions/${id}`, { token: tokens.interviewer.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) })).status).toBe(401);
    expect((await t.api<Json>('GET', '/api/sessions/doesnotexist', { token: tokens.candidate })).status).toBe(404);
    expect((await t.api<Json>('POST', `/api/sessions/${id}/notes`, { token: tokens.candidate, body: { text: 'hi' } })).status).toBe(403);
    expect((await t.api<Json>('POST', `/api/sessions/${id}/hints`, { token: tokens.candidate })).status).toBe(403);
    expect((await t.api<Json>('POST', `/api/sessions/${id}/checks`, { token: tokens.viewer })).status).toBe(403);
    expect((await t.api<Json>('POST', `/api/sessions/${id}/give-up`, { token: tokens.candidate })).status).toBe(403);
    expect((await t.api<Json>('GET', `/api/sessions/${id}/events`, { token: tokens.candidate })).status).toBe(403);
    expect((await t.api<Json>('GET', `/api/sessions/${id}/recording`, { token: tokens.candidate })).status).toBe(403);
    expect((await t.api<Json>('POST', `/api/sessions/${id}/end`, { token: tokens.viewer })).status).toBe(403);
  });

  it('reveals hints, keeps notes and score, and filters the session by role', async () => {
    const hint = await t.api<{ hint: { index: number; text: string } }>('POST', `/api/sessions/${id}/hints`, { token: tokens.interviewer });
    expect(hint.status).toBe(200);
    expect(hint.body.hint.index).toBe(0);
    const note = await t.api<{ note: { id: number; text: string } }>('POST', `/api/sessions/${id}/notes`, {
      token: tokens.interviewer,
      body: { text: 'checked dig first — good instinct' },
    });
    expect(note.status).toBe(201);
    const score = await t.api<Json>('PUT', `/api/sessions/${id}/score`, {
      token: tokens.interviewer,
      body: { outcome: 'partial', competencies: { method: 4, networking: 3, communication: 5 }, summary: 'solid' },
    });
    expect(score.status).toBe(200);

    const get = async (token: string) => (await t.api<{ session: Record<string, unknown> }>('GET', `/api/sessions/${id}`, { token })).body.session;
    const candidate = await get(tokens.candidate);
    const interviewer = await get(tokens.interviewer);
    const viewer = await get(tokens.viewer);
    expect(candidate.role).toBe('candidate');
    expect(candidate.brief).toMatch(/\S/);
    for (const secret of ['solution', 'allHints', 'notes', 'score', 'events', 'seed', 'availableEscalations']) {
      expect(candidate).not.toHaveProperty(secret);
      expect(viewer).not.toHaveProperty(secret);
    }
    expect(candidate.hints).toEqual({ revealed: [{ index: 0, text: hint.body.hint.text }], total: 3 });
    expect(JSON.stringify(candidate)).not.toContain('good instinct');
    const allHints = interviewer.allHints as string[];
    expect(allHints).toHaveLength(3);
    for (const unrevealed of allHints.slice(1)) expect(JSON.stringify(candidate)).not.toContain(unrevealed);
    expect(interviewer.solution).toMatch(/\S/);
    expect(JSON.stringify(candidate)).not.toContain(String(interviewer.solution).slice(0, 60));
    expect((interviewer.notes as Array<{ text: string }>)[0]?.text).toMatch(/good instinct/);
    expect(interviewer.score).toMatchObject({ outcome: 'partial', summary: 'solid' });
    expect(interviewer.seed).toMatch(/\S/);
    expect(interviewer.candidateName).toBe('Ada');

    const viewerEvents = (await t.api<{ events: Array<{ type: string; data: Record<string, unknown> }> }>('GET', `/api/sessions/${id}/events`, { token: tokens.viewer })).body.events;
    expect(viewerEvents.map((e) => e.type)).toEqual(expect.arrayContaining(['created', 'ready', 'hint', 'note']));
    expect(JSON.stringify(viewerEvents)).not.toContain('good instinct');
  });

  it('runs checks on demand, and the session becomes solved when all pass', async () => {
    const before = await t.api<{ checks: Array<{ passed: boolean; at: string }> }>('POST', `/api/sessions/${id}/checks`, { token: tokens.candidate });
    expect(before.status).toBe(200);
    expect(before.body.checks.length).toBeGreaterThan(0);
    expect(before.body.checks.every((c) => !c.passed && c.at)).toBe(true);
    const env = t.server.sessions.environment(id);
    if (!env) throw new Error('no environment');
    await t.lab.solve(env);
    const after = await t.api<{ checks: Array<{ passed: boolean }> }>('POST', `/api/sessions/${id}/checks`, { token: tokens.interviewer });
    expect(after.body.checks.every((c) => c.passed)).toBe(true);
    const session = (await t.api<{ session: Record<string, unknown> }>('GET', `/api/sessions/${id}`, { token: tokens.interviewer })).body.session;
    expect(session.state).toBe('solved');
    expect(session.solvedAt).toBeTruthy();
    const types = (session.events as Array<{ type: string }>).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['checks', 'check_changed', 'solved']));
  });

  it('an escalation after the solve un-solves the session until its check passes too; the first solve stays a fact and every change is in the timeline', async () => {
    type View = Json & { state: string; solvedAt?: string; firstSolvedAt?: string; checks: Array<Record<string, unknown>>; events?: Array<{ type: string; data: Record<string, unknown> }> };
    const get = async (token: string) => (await t.api<{ session: View }>('GET', `/api/sessions/${id}`, { token })).body.session;
    const solved = await get(tokens.interviewer);
    expect(solved.state).toBe('solved');
    const firstSolvedAt = solved.firstSolvedAt;
    expect(firstSolvedAt).toBe(solved.solvedAt);
    const candidateSocket = await TermClient.connect(t.url, id, tokens.candidate);
    try {
      await candidateSocket.message('snapshot');
      const escalated = await t.api<{ session: View }>('POST', `/api/sessions/${id}/escalations`, { token: tokens.interviewer, body: { id: 'ttl-cache' } });
      expect(escalated.status).toBe(200);
      // Not solved from the moment the escalation is in, before any round ran its new check.
      expect(escalated.body.session.state).toBe('ready');
      expect(escalated.body.session.solvedAt).toBeUndefined();
      expect(escalated.body.session.firstSolvedAt).toBe(firstSolvedAt);
      expect(escalated.body.session.checks.find((c) => c.id === 'www-answer')).toMatchObject({ passed: false });
      await candidateSocket.message('status', (m) => m.state === 'ready');
      const notice = await candidateSocket.message('event', (m) => (m.event as { type: string }).type === 'escalation');
      expect((notice.event as { data: unknown }).data).toEqual({ notice: expect.stringMatching(/www\./) as unknown });

      // The round after the escalation records the new check turning red; rounds do not re-solve.
      const turnedRed = async () => (await get(tokens.interviewer)).events?.some((e) => e.type === 'check_changed' && e.data.id === 'www-answer' && e.data.passed === false);
      await expect.poll(turnedRed, { timeout: 60_000 }).toBe(true);
      const round = await t.api<{ checks: Array<{ id: string; passed: boolean }> }>('POST', `/api/sessions/${id}/checks`, { token: tokens.interviewer });
      expect(round.body.checks.map((c) => [c.id, c.passed])).toEqual([['authoritative-answer', true], ['site-by-name', true], ['www-answer', false]]);
      expect((await get(tokens.candidate)).state).toBe('ready');

      // The candidate's view and socket carry symptoms and the notice, nothing that names the cause.
      const interviewer = await get(tokens.interviewer);
      const candidate = await get(tokens.candidate);
      expect(candidate.firstSolvedAt).toBe(firstSolvedAt);
      expect(candidate.scenario).not.toHaveProperty('id');
      expect(candidate.escalations).toEqual([{ notice: expect.stringMatching(/\S/) as unknown, appliedAt: expect.any(String) as unknown }]);
      expect(candidate.checks.map((c) => c.symptom)).toEqual(interviewer.checks.map((c) => c.symptom));
      for (const c of candidate.checks) expect(Object.keys(c).sort()).toEqual(['at', 'id', 'passed', 'symptom']);
      const secrets = [SCENARIO, 'ttl-cache', String((interviewer.availableEscalations as Array<{ title: string }>)[0]?.title)];
      for (const c of interviewer.checks) secrets.push(`"${String(c.id)}"`, String(c.title), String(c.message));
      const candidateSaw = JSON.stringify(candidate) + JSON.stringify(candidateSocket.messages);
      for (const secret of secrets) expect(candidateSaw, secret).not.toContain(secret);

      // Fixing the escalation too solves it again; the first solve time does not move.
      const env = t.server.sessions.environment(id);
      if (!env) throw new Error('no environment');
      await t.lab.solveEscalation(env, 'ttl-cache');
      // A periodic round (the candidate's socket is open) may have started before the fix: ask until a fresh one answers.
      const state = async () => {
        await t.api('POST', `/api/sessions/${id}/checks`, { token: tokens.interviewer });
        return (await get(tokens.interviewer)).state;
      };
      await expect.poll(state, { timeout: 60_000 }).toBe('solved');
      const again = await get(tokens.interviewer);
      expect(again.firstSolvedAt).toBe(firstSolvedAt);
      expect(Date.parse(String(again.solvedAt))).toBeGreaterThan(Date.parse(String(firstSolvedAt)));
      const story = (again.events ?? [])
        .filter((e) => ['solved', 'unsolved', 'escalation'].includes(e.type) || (e.type === 'check_changed' && e.data.id === 'www-answer'))
        .map((e) => `${e.type}${e.type === 'check_changed' ? (e.data.passed ? ' green' : ' red') : ''}${e.type === 'solved' ? (e.data.again ? ' again' : ' first') : ''}`);
      expect(story).toEqual(['solved first', 'escalation', 'unsolved', 'check_changed red', 'check_changed green', 'solved again']);
      await candidateSocket.message('event', (m) => (m.event as { type: string; data: { again?: boolean } }).type === 'solved');
    } finally {
      await candidateSocket.close();
    }
  });

  it('the public catalogue lists no tags, escalation titles or check titles; the interviewer key sees tags and escalations', async () => {
    type Entry = Record<string, unknown> & { id: string };
    const open = (await t.api<{ scenarios: Entry[] }>('GET', '/api/scenarios')).body.scenarios;
    const keyed = (await t.api<{ scenarios: Entry[] }>('GET', '/api/scenarios', { token: INTERVIEWER_KEY })).body.scenarios;
    expect(open.length).toBe(t.lab.catalogue.scenarios.size);
    const text = JSON.stringify(open);
    for (const { spec } of t.lab.catalogue.scenarios.values()) {
      for (const e of spec.escalations) expect(text).not.toContain(e.title);
      for (const c of [...spec.checks, ...spec.escalations.flatMap((e) => e.checks)]) expect(text).not.toContain(c.title);
    }
    for (const entry of open) {
      expect(entry).not.toHaveProperty('tags');
      expect(entry).not.toHaveProperty('escalations');
      expect(entry.escalationCount).toBe(t.lab.scenario(entry.id).spec.escalations.length);
    }
    const stale = keyed.find((e) => e.id === SCENARIO);
    expect(stale?.tags).toEqual(t.lab.scenario(SCENARIO).spec.tags);
    expect(stale?.escalations).toEqual([expect.objectContaining({ id: 'ttl-cache', title: expect.stringMatching(/stale/) as unknown })]);
    // Before a variant is drawn the text has stand-ins, never raw template placeholders.
    expect(JSON.stringify(keyed)).not.toContain('{{');
    expect(JSON.stringify(keyed)).toContain('‹');
  });

  it('answers health, readiness and metrics', async () => {
    expect((await t.api<Json>('GET', '/healthz')).body).toEqual({ ok: true });
    const ready = await t.api<Json>('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ docker: 'ok', db: 'ok' });
    const metrics = await t.api<string>('GET', '/metrics');
    // The session of the earlier tests is solved, started cold, and has run checks.
    expect(metrics.body).toMatch(/faultline_sessions\{state="solved"\} [1-9]/);
    expect(metrics.body).toMatch(/faultline_session_start_seconds_count\{source="cold"\} [1-9]/);
    expect(metrics.body).toMatch(/faultline_check_seconds_count\{passed="true"\} [1-9]/);
    expect(metrics.body).toMatch(/faultline_engine_objects\{kind="containers"\} [1-9]/);
    expect(metrics.body).toMatch(/faultline_terminal_connections \d/);
    expect(metrics.body).toMatch(/faultline_terminal_bytes\{direction="out"\} \d/);
    expect(metrics.body).toMatch(/faultline_pool_memory_bytes 0/);
  });

  it('serves a page saying the client is not built, for the SPA routes', async () => {
    const page = await t.api<string>('GET', `/s/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/not built/);
  });

  it('practice: the candidate reveals hints, gives up to see the solution, and ends', async () => {
    const res = await t.api<Created>('POST', '/api/sessions', { body: { scenarioId: SCENARIO, mode: 'practice' } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body.tokens)).toEqual(['candidate']);
    const pid = res.body.session.id;
    const token = res.body.tokens.candidate;
    try {
      // While the environment is built there is no solution yet (it names the drawn variant): giving up is refused, with why.
      const early = await t.api<Json>('POST', `/api/sessions/${pid}/give-up`, { token });
      expect(early.status).toBe(409);
      expect(early.body.error?.message).toMatch(/still being built.*once it is ready/);
      await waitReady(t, pid, token);
      expect((await t.api<Json>('POST', `/api/sessions/${pid}/hints`, { token })).status).toBe(200);
      const view = (await t.api<{ session: Json }>('GET', `/api/sessions/${pid}`, { token })).body.session;
      expect(view).not.toHaveProperty('solution');
      const gaveUp = await t.api<{ solution: string }>('POST', `/api/sessions/${pid}/give-up`, { token });
      expect(gaveUp.body.solution).toMatch(/\S/);
      const after = (await t.api<{ session: Json }>('GET', `/api/sessions/${pid}`, { token })).body.session;
      expect(after.solution).toBe(gaveUp.body.solution);
    } finally {
      const envId = t.server.sessions.environment(pid)?.env.id;
      const ended = await t.api<{ session: Json }>('POST', `/api/sessions/${pid}/end`, { token });
      expect(ended.body.session.state).toBe('ended');
      // The one who gave up can still read it on the ended page.
      expect(ended.body.session.solution).toMatch(/\S/);
      const left = await t.lab.runtime.docker.listContainers({ all: true, filters: { label: [`${LABELS.env}=${envId}`] } });
      expect(left).toEqual([]);
    }
    const again = await t.api<Json>('POST', `/api/sessions/${pid}/hints`, { token });
    expect(again.status).toBe(409);
  });

  it('a reset after a solve is not solved any more, but the session keeps when it was first solved, to the end', async () => {
    const res = await t.api<Created>('POST', '/api/sessions', { body: { scenarioId: SCENARIO, mode: 'practice' } });
    const pid = res.body.session.id;
    const token = res.body.tokens.candidate;
    type View = Json & { state: string; solvedAt?: string; firstSolvedAt?: string };
    const get = async () => (await t.api<{ session: View }>('GET', `/api/sessions/${pid}`, { token })).body.session;
    try {
      await waitReady(t, pid, token);
      const env = t.server.sessions.environment(pid);
      if (!env) throw new Error('no environment');
      await t.lab.solve(env);
      // The first round (started when the environment came up) may still be running: ask until a fresh one answers.
      const state = async () => {
        await t.api('POST', `/api/sessions/${pid}/checks`, { token });
        return (await get()).state;
      };
      await expect.poll(state, { timeout: 60_000 }).toBe('solved');
      const solved = await get();
      // Solved: the write-up is theirs to read, and there is nothing left to give up.
      expect(solved.solution).toMatch(/\S/);
      const giveUp = await t.api<Json>('POST', `/api/sessions/${pid}/give-up`, { token });
      expect(giveUp.status).toBe(409);
      expect(giveUp.body.error?.message).toMatch(/already solved/);
      expect((await t.api('POST', `/api/sessions/${pid}/reset`, { token })).status).toBe(202);
      const reset = await waitReady(t, pid, token);
      expect(reset.state).toBe('ready');
      expect(reset.solvedAt).toBeUndefined();
      expect(reset.firstSolvedAt).toBe(solved.firstSolvedAt);
    } finally {
      await t.api('POST', `/api/sessions/${pid}/end`, { token });
    }
    const ended = await get();
    expect(ended.state).toBe('ended');
    expect(ended.solvedAt).toBeUndefined();
    expect(ended.firstSolvedAt).toBeTruthy();
    expect(ended.solution).toMatch(/\S/);
  });

  it('warns before the time limit, then expires: sockets closed with 1008, environment removed', async () => {
    const res = await t.api<Created>('POST', '/api/sessions', { body: { scenarioId: SCENARIO, mode: 'practice' } });
    const pid = res.body.session.id;
    const token = res.body.tokens.candidate;
    const ready = await waitReady(t, pid, token);
    const envId = t.server.sessions.environment(pid)?.env.id;
    const client = await TermClient.connect(t.url, pid, token);
    await client.message('snapshot');
    const expiresAt = Date.parse(String(ready.expiresAt));
    t.server.sessions.tick(expiresAt - 60_000);
    const warning = await client.message('event', (m) => (m.event as { type: string }).type === 'warning');
    expect((warning.event as { data: { minutesLeft: number } }).data.minutesLeft).toBe(1);
    await client.message('status', (m) => m.message === '1 minute left');
    t.server.sessions.tick(expiresAt + 1);
    expect((await client.closed).code).toBe(1008);
    await client.message('status', (m) => m.state === 'expired');
    const view = (await t.api<{ session: Json }>('GET', `/api/sessions/${pid}`, { token })).body.session;
    expect(view.state).toBe('expired');
    // The session keeps the warning (a page loaded after it shows it too), and once time is up the
    // practice candidate may read the write-up on the ended page.
    expect(view.timeWarning).toEqual({ at: expect.any(String) as unknown, minutesLeft: 1 });
    expect(view.solution).toMatch(/\S/);
    await expect
      .poll(async () => (await t.lab.runtime.docker.listContainers({ all: true, filters: { label: [`${LABELS.env}=${envId}`] } })).length, {
        timeout: 30_000,
      })
      .toBe(0);
  });
});
