import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../server/src/contract/index.js';
import { recordingPath } from '../server/src/terminal/index.js';
import { INTERVIEWER_KEY, startTestServer, waitReady, type TestServer } from './server-helpers.js';
import { as, firstAdmin, type SignedIn } from './staff-helpers.js';
import { TermClient } from './terminal-client.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const DAY = 24 * 60 * 60_000;
const RETENTION_DAYS = 30;
const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

interface Created {
  session: { id: string; state: string };
  tokens: { candidate: string; interviewer: string };
}

describe('retention: finished sessions are deleted after the retention period', () => {
  let t: TestServer;
  let admin: SignedIn;

  const book = async (body: Record<string, unknown>): Promise<Created> => {
    const res = await t.api<Created>('POST', '/api/sessions', { token: INTERVIEWER_KEY, body: { mode: 'interview', scenarioId: 'dns-stale-record', ...body } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  /** An invite booked ahead and withdrawn at once: finished without an environment. */
  const revokedInvite = async (candidateName: string): Promise<Created> => {
    const created = await book({ candidateName, window: { opensAt: minutes(60), closesAt: minutes(120), timeZone: 'UTC' } });
    expect((await t.api('POST', `/api/sessions/${created.session.id}/revoke`, { token: created.tokens.interviewer })).status).toBe(200);
    return created;
  };
  const rows = (table: string, id: string) => (t.server.sessions.store.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE session_id = ?`).get(id) as { n: number }).n;
  const purges = async () =>
    (await t.api<{ entries: AuditEntry[] }>('GET', '/api/audit?limit=500', as(admin))).body.entries.filter((e) => e.action === 'data_purged');
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'server/src/cli/main.ts', 'purge', ...args], {
      cwd: ROOT,
      env: { ...process.env, FAULTLINE_DATA_DIR: t.config.dataDir, FAULTLINE_RETENTION_DAYS: String(RETENTION_DAYS) },
    });

  beforeAll(async () => {
    t = await startTestServer({ FAULTLINE_RETENTION_DAYS: String(RETENTION_DAYS) });
    admin = await firstAdmin(t);
  });

  afterAll(async () => {
    await t.server.close();
  });

  it('deletes ended sessions with their timeline, notes, score, commands and recording; live ones stay; the audit log says so', async () => {
    const used = await book({ candidateName: 'Old Candidate' });
    const id = used.session.id;
    await waitReady(t, id, used.tokens.candidate);
    const socket = await TermClient.connect(t.url, id, used.tokens.candidate);
    await socket.message('snapshot');
    socket.type('echo retention-marker-$((6*7))\r');
    await socket.untilOutput(/retention-marker-42/);
    expect((await t.api('POST', `/api/sessions/${id}/notes`, { token: used.tokens.interviewer, body: { text: 'kept only for a while' } })).status).toBe(201);
    const score = { outcome: 'pass', competencies: { method: 4, networking: 3, communication: 5 }, summary: 'solid' };
    expect((await t.api('PUT', `/api/sessions/${id}/score`, { token: used.tokens.interviewer, body: score })).status).toBe(200);

    // Live (running) sessions are never touched, however far the clock is moved.
    expect(t.server.retention.run(new Date(Date.now() + 1000 * DAY))).toEqual([]);

    expect((await t.api('POST', `/api/sessions/${id}/end`, { token: used.tokens.interviewer })).status).toBe(200);
    await socket.closed;
    const recording = recordingPath(t.config.dataDir, id);
    expect(fs.readFileSync(recording, 'utf8')).toContain('retention-marker-42');
    expect(rows('events', id)).toBeGreaterThan(0);
    expect(rows('notes', id)).toBe(1);
    expect(rows('commands', id)).toBeGreaterThan(0);

    const revoked = await revokedInvite('Withdrawn Candidate');
    const live = await book({ candidateName: 'Future Candidate', window: { opensAt: minutes(60), closesAt: minutes(120), timeZone: 'UTC' } });

    // A day short of the period: nothing is due, and nothing is written to the audit log.
    expect(t.server.retention.run(new Date(Date.now() + (RETENTION_DAYS - 1) * DAY))).toEqual([]);
    expect(await purges()).toEqual([]);

    const deleted = t.server.retention.run(new Date(Date.now() + (RETENTION_DAYS + 1) * DAY));
    expect(deleted.map((s) => s.id).sort()).toEqual([id, revoked.session.id].sort());
    expect(deleted.find((s) => s.id === id)).toMatchObject({ state: 'ended', candidateName: 'Old Candidate' });
    for (const table of ['events', 'notes', 'commands']) expect(rows(table, id), table).toBe(0);
    expect(t.server.sessions.store.get(id)).toBeUndefined();
    expect(fs.existsSync(recording)).toBe(false);
    expect((await t.api('GET', `/api/sessions/${id}`, { token: used.tokens.interviewer })).status).toBe(404);
    expect((await t.api('GET', `/api/sessions/${revoked.session.id}`, { token: revoked.tokens.interviewer })).status).toBe(404);

    const kept = await t.api<{ session: { state: string; candidateName: string } }>('GET', `/api/sessions/${live.session.id}`, { token: live.tokens.interviewer });
    expect(kept.body.session).toMatchObject({ state: 'scheduled', candidateName: 'Future Candidate' });
    expect(await purges()).toMatchObject([{ action: 'data_purged', actor: 'system', detail: { sessions: 2, olderThanDays: RETENTION_DAYS } }]);
    await t.api('POST', `/api/sessions/${live.session.id}/revoke`, { token: live.tokens.interviewer });
  }, 180_000);

  it('a session without an end time counts from its last timeline entry, else from its creation', () => {
    const { store } = t.server.sessions;
    const insert = store.db.prepare('INSERT INTO sessions (id, state, created_at, record) VALUES (?, ?, ?, ?)');
    const longAgo = new Date(Date.now() - 400 * DAY).toISOString();
    for (const id of ['noevents0000001', 'lateevent000001']) insert.run(id, 'failed', longAgo, JSON.stringify({ id, state: 'failed', createdAt: longAgo }));
    store.addEvent('lateevent000001', 'failed', { message: 'engine gone' }, new Date(Date.now() - 10 * DAY));
    const due = t.server.sessions.purgeFinishedBefore(new Date(Date.now() - 100 * DAY), { dryRun: true });
    expect(due.map((s) => s.id)).toEqual(['noevents0000001']);
    expect(due[0]?.endedAt).toBe(longAgo);
    expect(store.get('noevents0000001')).toBeDefined();
    // Everything finished by now goes, including the invite the test above withdrew last.
    expect(t.server.sessions.purgeFinishedBefore(new Date()).map((s) => s.id)).toEqual(expect.arrayContaining(['noevents0000001', 'lateevent000001']));
    expect(rows('events', 'lateevent000001')).toBe(0);
  });

  it('faultline purge --dry-run lists what it would delete and keeps it; without it deletes', async () => {
    const first = await revokedInvite('Ada Dryrun');
    const second = await revokedInvite('Bob Dryrun');
    const recording = recordingPath(t.config.dataDir, first.session.id);
    // A recording made before the invite was withdrawn would be in this place: it goes with the session.
    fs.mkdirSync(path.dirname(recording), { recursive: true });
    fs.writeFileSync(recording, '{"version":2}\n');
    const aside = `${recording}.1764000000000.unreadable`;
    fs.writeFileSync(aside, 'kept aside by the recorder');

    const defaults = await cli('--dry-run');
    expect(defaults.stdout).toContain(`0 session(s) ended more than ${RETENTION_DAYS} day(s) ago; nothing deleted (--dry-run)`);

    const dry = await cli('--dry-run', '--older-than-days', '0');
    expect(dry.stdout).toMatch(new RegExp(`would delete ${first.session.id}\\s+ended\\s+ended \\S+\\s+Ada Dryrun`));
    expect(dry.stdout).toContain(`would delete ${second.session.id}`);
    expect(dry.stdout).toContain('2 session(s) ended more than 0 day(s) ago; nothing deleted (--dry-run)');
    expect(t.server.sessions.store.get(first.session.id)).toBeDefined();
    expect(fs.existsSync(recording)).toBe(true);

    const real = await cli('--older-than-days', '0');
    expect(real.stdout).toContain(`deleting ${first.session.id}`);
    expect(real.stdout).toContain('deleted 2 session(s) that ended more than 0 day(s) ago');
    expect(t.server.sessions.store.get(first.session.id)).toBeUndefined();
    expect(t.server.sessions.store.get(second.session.id)).toBeUndefined();
    expect(fs.existsSync(recording)).toBe(false);
    expect(fs.existsSync(aside)).toBe(false);
    expect((await purges())[0]).toMatchObject({ actor: 'cli', detail: { sessions: 2, olderThanDays: 0 } });

    await expect(cli('--older-than-days', 'soon')).rejects.toMatchObject({ stderr: expect.stringMatching(/whole number of days/) as unknown });
  }, 150_000);
});
