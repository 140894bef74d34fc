import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountWithPassword, CreatedApiToken } from '../server/src/contract/index.js';
import { INTERVIEWER_KEY, startTestServer, type ApiOptions, type TestServer } from './server-helpers.js';
import { addUser, apiToken, as, signIn, type SignedIn } from './staff-helpers.js';

// Who may call what (issue 15): every route of server/src/http/*.ts against every kind of caller.
// The table below is the documentation; the test prints it as it ran. Session routes authorize
// with the session's own link (candidate, viewer, interviewer); staff routes with a sign-in, an
// API token or the interviewer key. A session route is called on a fresh booked invite for each
// cell (no environment), so 409 there means "allowed, but not in this state".

const CALLERS = ['anonymous', 'candidate link', 'viewer link', 'interviewer link', 'interviewer', 'admin', 'revoked token', 'cross-site'] as const;
type CallerName = (typeof CALLERS)[number];

interface Invite {
  id: string;
  tokens: { candidate: string; interviewer: string; viewer: string };
}

interface Cell {
  /** The path with its parameters filled in, and the body. */
  path: string;
  body?: unknown;
}

interface Row {
  route: string;
  /** One status per caller, in the order of CALLERS. */
  expected: readonly number[];
  /** Builds the request for one caller; `invite` is fresh for every cell. */
  request(ctx: { invite: Invite; caller: CallerName; n: number }): Promise<Cell> | Cell;
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();
const inviteBody = (candidateName: string) => ({ mode: 'interview', scenarioId: 'dns-stale-record', candidateName, window: { opensAt: minutes(60), closesAt: minutes(120), timeZone: 'UTC' } });

describe('authorization matrix: every route x every caller', () => {
  let t: TestServer;
  let admin: SignedIn;
  let interviewer: SignedIn;
  let revoked: CreatedApiToken;
  let target: AccountWithPassword;
  const invites: Invite[] = [];
  const results = new Map<string, number[]>();

  const book = async (candidateName = 'Matrix Candidate'): Promise<Invite> => {
    const res = await t.api<{ session: { id: string }; tokens: Invite['tokens'] }>('POST', '/api/sessions', { token: INTERVIEWER_KEY, body: inviteBody(candidateName) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const invite = { id: res.body.session.id, tokens: res.body.tokens };
    invites.push(invite);
    return invite;
  };

  /** The credentials each caller sends; cookie callers sign in anew for the routes that end the sign-in they send (sign-out, and sign-in, which never reuses a cookie). */
  const credentials = async (caller: CallerName, invite: Invite, route: string): Promise<ApiOptions> => {
    const own = route === 'POST /api/auth/logout' || route === 'POST /api/auth/login';
    switch (caller) {
      case 'anonymous':
        return {};
      case 'candidate link':
        return { token: invite.tokens.candidate };
      case 'viewer link':
        return { token: invite.tokens.viewer };
      case 'interviewer link':
        return { token: invite.tokens.interviewer };
      case 'interviewer':
        return as(own ? await signIn(t, 'ivan@example.test', 'interviewer-password-0123456789') : interviewer);
      case 'admin':
        return as(own ? await signIn(t, 'admin@example.test', adminPassword) : admin);
      case 'revoked token':
        return { token: revoked.secret };
      case 'cross-site':
        // A page on another site posting with the admin's cookie: the browser sends its Origin, and it cannot know the CSRF token.
        return { headers: { cookie: (own ? await signIn(t, 'admin@example.test', adminPassword) : admin).cookie, origin: 'https://evil.example' } };
    }
  };
  let adminPassword = '';

  // prettier-ignore
  const rows: Row[] = [
    //                                                           anon cand view ilink intv admin revok xsite
    { route: 'GET /healthz',                                     expected: [200, 200, 200, 200, 200, 200, 200, 200], request: () => ({ path: '/healthz' }) },
    { route: 'GET /readyz',                                      expected: [200, 200, 200, 200, 200, 200, 200, 200], request: () => ({ path: '/readyz' }) },
    { route: 'GET /metrics',                                     expected: [200, 200, 200, 200, 200, 200, 200, 200], request: () => ({ path: '/metrics' }) },
    { route: 'GET /api/scenarios',                               expected: [200, 200, 200, 200, 200, 200, 200, 200], request: () => ({ path: '/api/scenarios' }) },
    { route: 'GET /api/auth/options',                            expected: [200, 200, 200, 200, 200, 200, 200, 200], request: () => ({ path: '/api/auth/options' }) },
    { route: 'POST /api/auth/login',                             expected: [200, 200, 200, 200, 200, 200, 200, 200], request: () => ({ path: '/api/auth/login', body: { email: 'login@example.test', password: 'interviewer-password-0123456789' } }) },
    // Single sign-on is not configured on this server: its two routes say so to everyone (test/e2e/oidc.test.ts signs in through a real provider).
    { route: 'GET /auth/oidc/login',                             expected: [404, 404, 404, 404, 404, 404, 404, 404], request: () => ({ path: '/auth/oidc/login' }) },
    { route: 'GET /auth/oidc/callback',                          expected: [404, 404, 404, 404, 404, 404, 404, 404], request: () => ({ path: '/auth/oidc/callback?state=x&code=y' }) },
    { route: 'POST /api/auth/logout',                            expected: [401, 401, 401, 401, 204, 204, 401, 403], request: () => ({ path: '/api/auth/logout' }) },
    { route: 'GET /api/me',                                      expected: [401, 401, 401, 401, 200, 200, 401, 200], request: () => ({ path: '/api/me' }) },
    { route: 'GET /api/users',                                   expected: [401, 401, 401, 401, 403, 200, 401, 200], request: () => ({ path: '/api/users' }) },
    { route: 'POST /api/users',                                  expected: [401, 401, 401, 401, 403, 201, 401, 403], request: ({ n }) => ({ path: '/api/users', body: { email: `new${n}@example.test`, name: `New ${n}`, role: 'interviewer' } }) },
    { route: 'PATCH /api/users/:id',                             expected: [401, 401, 401, 401, 403, 200, 401, 403], request: ({ n }) => ({ path: `/api/users/${target.user.id}`, body: { name: `Target ${n}` } }) },
    { route: 'POST /api/users/:id/password',                     expected: [401, 401, 401, 401, 403, 200, 401, 403], request: () => ({ path: `/api/users/${target.user.id}/password`, body: {} }) },
    { route: 'GET /api/tokens',                                  expected: [401, 401, 401, 401, 200, 200, 401, 200], request: () => ({ path: '/api/tokens' }) },
    { route: 'POST /api/tokens',                                 expected: [401, 401, 401, 401, 201, 201, 401, 403], request: () => ({ path: '/api/tokens', body: { name: 'matrix' } }) },
    { route: 'DELETE /api/tokens/:tokenId',                      expected: [401, 401, 401, 401, 204, 204, 401, 403],
      request: async ({ caller }) => ({ path: `/api/tokens/${(await apiToken(t, caller === 'interviewer' ? interviewer : admin, 'to revoke')).token.id}` }) },
    { route: 'GET /api/audit',                                   expected: [401, 401, 401, 401, 403, 200, 401, 200], request: () => ({ path: '/api/audit' }) },
    { route: 'GET /api/candidates/export',                       expected: [401, 401, 401, 401, 403, 200, 401, 200], request: () => ({ path: '/api/candidates/export?name=Matrix%20Candidate' }) },
    { route: 'POST /api/candidates/erase',                       expected: [401, 401, 401, 401, 403, 200, 401, 403],
      request: async ({ n }) => {
        const gone = await book(`Erase Me ${n}`);
        await t.api('POST', `/api/sessions/${gone.id}/revoke`, { token: gone.tokens.interviewer });
        return { path: '/api/candidates/erase', body: { name: `Erase Me ${n}` } };
      } },
    { route: 'POST /api/sessions',                               expected: [401, 401, 401, 401, 201, 201, 401, 403], request: () => ({ path: '/api/sessions', body: inviteBody('Booked In Matrix') }) },
    { route: 'GET /api/interviews',                              expected: [401, 401, 401, 401, 200, 200, 401, 200], request: () => ({ path: '/api/interviews' }) },
    { route: 'GET /api/interviews/export',                       expected: [401, 401, 401, 401, 200, 200, 401, 200], request: () => ({ path: '/api/interviews/export?format=json' }) },
    { route: 'GET /api/plans',                                   expected: [401, 401, 401, 401, 200, 200, 401, 200], request: () => ({ path: '/api/plans' }) },
    { route: 'POST /api/plans',                                  expected: [401, 401, 401, 401, 201, 201, 401, 403],
      request: ({ n }) => ({ path: '/api/plans', body: { name: `Plan ${n}`, parts: [{ scenarioId: 'dns-stale-record', timeLimitMinutes: 30 }] } }) },
    { route: 'DELETE /api/plans/:planId',                        expected: [401, 401, 401, 401, 204, 204, 401, 403],
      request: async ({ n }) => {
        const made = await t.api<{ plan: { id: string } }>('POST', '/api/plans', { token: INTERVIEWER_KEY, body: { name: `Doomed ${n}`, parts: [{ scenarioId: 'dns-stale-record', timeLimitMinutes: 30 }] } });
        return { path: `/api/plans/${made.body.plan.id}` };
      } },
    // Session routes: the link decides; a sign-in alone names no session.
    { route: 'GET /api/sessions/:id',                            expected: [401, 200, 200, 200, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}` }) },
    { route: 'POST /api/sessions/:id/notice',                    expected: [401, 204, 403, 403, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/notice` }) },
    { route: 'POST /api/sessions/:id/checks',                    expected: [401, 409, 403, 409, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/checks` }) },
    { route: 'POST /api/sessions/:id/hints',                     expected: [401, 403, 403, 409, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/hints` }) },
    { route: 'POST /api/sessions/:id/notes',                     expected: [401, 403, 403, 201, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/notes`, body: { text: 'matrix' } }) },
    { route: 'PUT /api/sessions/:id/score',                      expected: [401, 403, 403, 200, 401, 401, 401, 401],
      request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/score`, body: { outcome: 'pass', competencies: { method: 3, networking: 3, communication: 3 } } }) },
    { route: 'POST /api/sessions/:id/escalations',               expected: [401, 403, 403, 409, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/escalations`, body: { id: 'ttl-cache' } }) },
    { route: 'POST /api/sessions/:id/reset',                     expected: [401, 403, 403, 409, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/reset` }) },
    { route: 'POST /api/sessions/:id/give-up',                   expected: [401, 403, 403, 403, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/give-up` }) },
    { route: 'POST /api/sessions/:id/end',                       expected: [401, 403, 403, 200, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/end` }) },
    { route: 'GET /api/sessions/:id/events',                     expected: [401, 403, 200, 200, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/events` }) },
    { route: 'GET /api/sessions/:id/commands',                   expected: [401, 403, 200, 200, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/commands` }) },
    { route: 'GET /api/sessions/:id/commands/:command/output',   expected: [401, 403, 404, 404, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/commands/1/output` }) },
    { route: 'GET /api/sessions/:id/recording',                  expected: [401, 403, 200, 200, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/recording` }) },
    { route: 'POST /api/sessions/:id/start',                     expected: [401, 403, 403, 202, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/start` }) },
    { route: 'POST /api/sessions/:id/revoke',                    expected: [401, 403, 403, 200, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/revoke` }) },
    { route: 'POST /api/sessions/:id/extend',                    expected: [401, 403, 403, 409, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/extend`, body: { minutes: 5 } }) },
    { route: 'POST /api/sessions/:id/next',                      expected: [401, 403, 403, 409, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/next` }) },
    { route: 'PUT /api/sessions/:id/visibility',                 expected: [401, 403, 403, 200, 401, 401, 401, 401], request: ({ invite }) => ({ path: `/api/sessions/${invite.id}/visibility`, body: { checkVisibility: 'full' } }) },
  ];

  beforeAll(async () => {
    t = await startTestServer();
    const made = await t.api<AccountWithPassword>('POST', '/api/users', { token: INTERVIEWER_KEY, body: { email: 'admin@example.test', name: 'Ada Admin', role: 'admin', password: 'admin-password-0123456789' } });
    expect(made.status).toBe(201);
    adminPassword = 'admin-password-0123456789';
    admin = await signIn(t, 'admin@example.test', adminPassword);
    interviewer = await addUser(t, admin, 'ivan@example.test', 'Ivan Interviewer', 'interviewer');
    await addUser(t, admin, 'login@example.test', 'Login Only', 'interviewer');
    target = (await t.api<AccountWithPassword>('POST', '/api/users', as(admin, { body: { email: 'target@example.test', name: 'Target', role: 'interviewer' } }))).body;
    revoked = await apiToken(t, admin, 'revoked');
    expect((await t.api('DELETE', `/api/tokens/${revoked.token.id}`, as(admin))).status).toBe(204);
  }, 60_000);

  afterAll(async () => {
    for (const invite of invites) await t.api('POST', `/api/sessions/${invite.id}/end`, { token: invite.tokens.interviewer });
    await t?.server.close();
  });

  it('lists every route the server has', () => {
    const dir = path.resolve(import.meta.dirname, '../server/src/http');
    const found = new Set<string>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const m of source.matchAll(/\bapp\.(get|post|put|patch|delete)\(\s*'([^']+)'/g)) found.add(`${(m[1] ?? '').toUpperCase()} ${m[2] ?? ''}`);
    }
    expect([...found].sort()).toEqual(rows.map((r) => r.route).sort());
  });

  it('answers each caller with the status in the table', async () => {
    let n = 0;
    for (const row of rows) {
      const got: number[] = [];
      const method = row.route.split(' ')[0] ?? 'GET';
      for (const caller of CALLERS) {
        n += 1;
        const invite = row.route.includes('/api/sessions/:id') ? await book() : (invites[0] ?? (await book()));
        const cell = await row.request({ invite, caller, n });
        const options = await credentials(caller, invite, row.route);
        const res = await t.api(method, cell.path, { ...options, ...(cell.body !== undefined ? { body: cell.body } : {}) });
        got.push(res.status);
      }
      results.set(row.route, got);
    }
    const width = Math.max(...rows.map((r) => r.route.length));
    const header = `${'route'.padEnd(width)}  ${CALLERS.map((c) => c.padStart(18)).join('')}`;
    const lines = rows.map((r) => {
      const got = results.get(r.route) ?? [];
      return `${r.route.padEnd(width)}  ${got.map((s, i) => `${s === r.expected[i] ? '' : `!${String(r.expected[i])}→`}${s}`.padStart(18)).join('')}`;
    });
    console.log([header, ...lines].join('\n'));
    expect(Object.fromEntries(results)).toEqual(Object.fromEntries(rows.map((r) => [r.route, [...r.expected]])));
  }, 300_000);
});
