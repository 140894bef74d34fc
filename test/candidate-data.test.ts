import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../server/src/contract/index.js';
import { candidateFingerprint, type CandidateExport } from '../server/src/http/candidates.js';
import { recordingPath } from '../server/src/terminal/index.js';
import { INTERVIEWER_KEY, startTestServer, waitReady, type TestServer } from './server-helpers.js';
import { addUser, as, firstAdmin, type SignedIn } from './staff-helpers.js';
import { TermClient } from './terminal-client.js';

// An admin exports everything held about one candidate and erases it (issue 15, candidate data).

interface Created {
  session: { id: string; state: string };
  tokens: { candidate: string; interviewer: string };
}
type Refusal = { error: { code: string; message: string } };

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();
const exportOf = (name: string) => `/api/candidates/export?name=${encodeURIComponent(name)}`;

describe('candidate data: export and erase', () => {
  let t: TestServer;
  let admin: SignedIn;
  let interviewer: SignedIn;
  let used: Created;
  let withdrawn: Created;
  let other: Created;
  let live: Created;

  const book = async (body: Record<string, unknown>): Promise<Created> => {
    const res = await t.api<Created>('POST', '/api/sessions', { token: INTERVIEWER_KEY, body: { mode: 'interview', scenarioId: 'dns-stale-record', ...body } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const invite = (candidateName: string) => book({ candidateName, window: { opensAt: minutes(60), closesAt: minutes(120), timeZone: 'UTC' } });
  const audit = async (action: string) =>
    (await t.api<{ entries: AuditEntry[] }>('GET', '/api/audit?limit=500', as(admin))).body.entries.filter((e) => e.action === action);

  beforeAll(async () => {
    t = await startTestServer();
    admin = await firstAdmin(t);
    interviewer = await addUser(t, admin, 'ivan@example.test', 'Ivan Interviewer', 'interviewer');

    // One interview the candidate worked in: a recording, commands, a note and a score.
    used = await book({ candidateName: 'Ada Lovelace' });
    await waitReady(t, used.session.id, used.tokens.candidate);
    const socket = await TermClient.connect(t.url, used.session.id, used.tokens.candidate);
    await socket.message('snapshot');
    socket.type('echo export-marker-$((6*7))\r');
    await socket.untilOutput(/export-marker-42/);
    await t.api('POST', `/api/sessions/${used.session.id}/notes`, { token: used.tokens.interviewer, body: { text: 'clear reasoning about the resolver' } });
    await t.api('PUT', `/api/sessions/${used.session.id}/score`, {
      token: used.tokens.interviewer,
      body: { outcome: 'pass', competencies: { method: 4, networking: 4, communication: 5 }, summary: 'hire' },
    });
    expect((await t.api('POST', `/api/sessions/${used.session.id}/end`, { token: used.tokens.interviewer })).status).toBe(200);
    await socket.closed;

    // The same person, typed differently, on an invite that was withdrawn.
    withdrawn = await invite('  ada LOVELACE ');
    expect((await t.api('POST', `/api/sessions/${withdrawn.session.id}/revoke`, { token: withdrawn.tokens.interviewer })).status).toBe(200);
    other = await invite('Grace Hopper');
    live = await invite('Live Larry');
  }, 180_000);

  afterAll(async () => {
    for (const s of [other, live]) if (s) await t.api('POST', `/api/sessions/${s.session.id}/revoke`, { token: s.tokens.interviewer });
    await t?.server.close();
  });

  it('exports every session of the candidate with its record, timeline, notes, score, commands and recording', async () => {
    const res = await t.api<CandidateExport>('GET', exportOf('ada lovelace'), as(admin));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?faultline-candidate-ada-lovelace\.json"?$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.candidate).toBe('ada lovelace');
    expect(res.body.sessions.map((s) => s.record.id)).toEqual([used.session.id, withdrawn.session.id]);
    const [worked, revoked] = res.body.sessions;
    expect(worked?.record).toMatchObject({ candidateName: 'Ada Lovelace', state: 'ended' });
    expect(worked?.notes.map((n) => n.text)).toEqual(['clear reasoning about the resolver']);
    expect(worked?.score).toMatchObject({ outcome: 'pass', summary: 'hire' });
    expect(worked?.events.map((e) => e.type)).toEqual(expect.arrayContaining(['created', 'ready', 'note', 'ended']));
    const command = worked?.commands.find((c) => c.kind === 'command' && c.command.includes('export-marker'));
    expect(command?.output).toContain('export-marker-42');
    expect(worked?.recording).toContain('export-marker-42');
    expect(revoked?.record).toMatchObject({ candidateName: 'ada LOVELACE', state: 'ended' });
    // The links' token hashes are the server's, not the candidate's: never exported.
    expect(JSON.stringify(res.body)).not.toMatch(/tokenHashes/);
    expect(await audit('candidate_exported')).toMatchObject([{ actor: 'Ada Admin <admin@example.test>', target: candidateFingerprint('Ada Lovelace'), detail: { sessions: 2 } }]);
  });

  it('refuses anyone but an admin, says when nothing is held, and needs a name', async () => {
    const anonymous = await t.api<Refusal>('GET', exportOf('Ada Lovelace'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.message).toMatch(/export a candidate's data you need to be signed in/);
    const byInterviewer = await t.api<Refusal>('GET', exportOf('Ada Lovelace'), as(interviewer));
    expect(byInterviewer.status).toBe(403);
    expect(byInterviewer.body.error.message).toMatch(/Only an admin can export a candidate's data; ivan@example.test is an interviewer/);
    const byKey = await t.api<Refusal>('POST', '/api/candidates/erase', { token: INTERVIEWER_KEY, body: { name: 'Ada Lovelace' } });
    expect(byKey.status).toBe(403);
    expect(byKey.body.error.message).toMatch(/the interviewer key is not an admin/);
    const candidateLink = await t.api<Refusal>('POST', '/api/candidates/erase', { token: used.tokens.candidate, body: { name: 'Ada Lovelace' } });
    expect(candidateLink.status).toBe(401);
    // The admin's cookie without the CSRF token (a page on another site): refused.
    const crossSite = await t.api<Refusal>('POST', '/api/candidates/erase', { body: { name: 'Ada Lovelace' }, headers: { cookie: admin.cookie, origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.message).toMatch(/Cross-site request refused/);
    const unknown = await t.api<Refusal>('GET', exportOf('Nobody Here'), as(admin));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/No session is held for a candidate named "Nobody Here"/);
    const noName = await t.api<Refusal>('GET', '/api/candidates/export', as(admin));
    expect(noName.status).toBe(400);
    expect(noName.body.error.message).toMatch(/^name: give the candidate name/);
    const blank = await t.api<Refusal>('POST', '/api/candidates/erase', as(admin, { body: { name: '   ' } }));
    expect(blank.status).toBe(400);
    expect(t.server.sessions.store.get(used.session.id)).toBeDefined();
  });

  it('refuses to erase while one of the candidate\'s sessions is live', async () => {
    const res = await t.api<Refusal>('POST', '/api/candidates/erase', as(admin, { body: { name: 'live larry' } }));
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(new RegExp(`Session ${live.session.id} of this candidate is scheduled: end it first`));
    expect((await t.api('GET', `/api/sessions/${live.session.id}`, { token: live.tokens.interviewer })).status).toBe(200);
    expect(await audit('candidate_erased')).toEqual([]);
  });

  it('erases every session of the candidate with its recording; others stay; the audit log says so', async () => {
    const recording = recordingPath(t.config.dataDir, used.session.id);
    expect(fs.existsSync(recording)).toBe(true);
    const res = await t.api<{ erased: number }>('POST', '/api/candidates/erase', as(admin, { body: { name: 'Ada Lovelace' }, headers: { origin: t.url } }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ erased: 2 });
    expect(fs.existsSync(recording)).toBe(false);
    for (const s of [used, withdrawn]) {
      expect((await t.api('GET', `/api/sessions/${s.session.id}`, { token: s.tokens.interviewer })).status).toBe(404);
      for (const table of ['events', 'notes', 'commands']) {
        const { n } = t.server.sessions.store.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE session_id = ?`).get(s.session.id) as { n: number };
        expect(n, table).toBe(0);
      }
    }
    expect((await t.api('GET', exportOf('Ada Lovelace'), as(admin))).status).toBe(404);
    // Nothing of it is left readable in the database files (free pages are overwritten, the write-ahead log emptied).
    for (const file of [t.config.dbPath, `${t.config.dbPath}-wal`]) {
      const bytes = fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
      expect(bytes.includes('clear reasoning about the resolver'), file).toBe(false);
      expect(bytes.includes('export-marker'), file).toBe(false);
    }
    expect((await t.api('GET', `/api/sessions/${other.session.id}`, { token: other.tokens.interviewer })).status).toBe(200);
    expect(await audit('candidate_erased')).toMatchObject([{ actor: 'Ada Admin <admin@example.test>', target: candidateFingerprint('ada lovelace '), detail: { sessions: 2 } }]);
  });
});
