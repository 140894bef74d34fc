import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountWithPassword, AuditEntry, CreatedApiToken, CreatedSession, Me, Note, SessionView } from '../server/src/contract/index.js';
import { INTERVIEWER_KEY, startTestServer, type ApiOptions, type TestServer } from './server-helpers.js';

// Staff accounts over the real server (issue 15): the first admin from the interviewer key,
// sign-in with cookies and the CSRF token, the sign-in rate limit, disabling, API tokens, authors
// of interviewer actions and the audit log.

interface SignedIn {
  cookie: string;
  me: Me;
}

describe('staff accounts over the API', () => {
  let t: TestServer;
  let admin: SignedIn;
  let adminPassword = '';
  const sessions: Array<{ id: string; token: string }> = [];

  const signIn = async (email: string, password: string): Promise<SignedIn> => {
    const res = await t.api<Me>('POST', '/api/auth/login', { body: { email, password } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { cookie, me: res.body };
  };
  /** A change made from the browser: the cookie and its CSRF token. */
  const as = (who: SignedIn, extra: ApiOptions = {}): ApiOptions => ({ ...extra, headers: { cookie: who.cookie, 'x-faultline-csrf': who.me.csrfToken, ...extra.headers } });

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    for (const s of sessions) await t.api('POST', `/api/sessions/${s.id}/end`, { token: s.token });
    await t?.server.close();
  });

  it('makes the first admin with the interviewer key, and only the first', async () => {
    expect((await t.api('GET', '/api/me')).status).toBe(401);
    const made = await t.api<AccountWithPassword>('POST', '/api/users', { token: INTERVIEWER_KEY, body: { email: 'Ada@Example.test', name: 'Ada Admin', role: 'admin' } });
    expect(made.status).toBe(201);
    expect(made.body.user).toMatchObject({ email: 'ada@example.test', role: 'admin', source: 'local', disabled: false });
    adminPassword = made.body.password ?? '';
    expect(adminPassword.length).toBeGreaterThanOrEqual(20);
    const second = await t.api<{ error: { message: string } }>('POST', '/api/users', { token: INTERVIEWER_KEY, body: { email: 'x@example.test', name: 'X', role: 'admin' } });
    expect(second.status).toBe(403);
    expect(second.body.error.message).toMatch(/Only an admin can create a user/);
  });

  it('signs in with an httpOnly cookie held server-side, and says who is signed in', async () => {
    const wrong = await t.api<{ error: { message: string } }>('POST', '/api/auth/login', { body: { email: 'ada@example.test', password: 'not-the-password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/Wrong email or password/);
    const res = await t.api<Me>('POST', '/api/auth/login', { body: { email: 'ADA@example.test', password: adminPassword } });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^faultline_session=[\w-]{40,};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    admin = { cookie: setCookie.split(';')[0] ?? '', me: res.body };
    const me = await t.api<Me>('GET', '/api/me', { headers: { cookie: admin.cookie } });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ name: 'Ada Admin', role: 'admin' });
    expect(me.body.csrfToken).toBe(admin.me.csrfToken);
    expect(Date.parse(me.body.expiresAt)).toBeGreaterThan(Date.now() + 11 * 3_600_000);
  });

  it('refuses a change made with the cookie from another site, or without the CSRF token', async () => {
    const body = { email: 'ivan@example.test', name: 'Ivan Interviewer', role: 'interviewer', password: 'interviewer-password-1' };
    const noToken = await t.api<{ error: { message: string } }>('POST', '/api/users', { body, headers: { cookie: admin.cookie } });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.message).toMatch(/Cross-site request refused/);
    const otherSite = await t.api('POST', '/api/users', as(admin, { body, headers: { origin: 'https://evil.example' } }));
    expect(otherSite.status).toBe(403);
    const made = await t.api<AccountWithPassword>('POST', '/api/users', as(admin, { body, headers: { origin: t.url } }));
    expect(made.status).toBe(201);
    expect(made.body.password).toBeUndefined();
  });

  it('records who created an interview and who wrote each note', async () => {
    const created = await t.api<CreatedSession>('POST', '/api/sessions', as(admin, { body: { scenarioId: 'tcp-loopback-bind', mode: 'interview', candidateName: 'Cara Candidate' } }));
    expect(created.status).toBe(201);
    const { id } = created.body.session;
    const itoken = created.body.tokens.interviewer as string;
    sessions.push({ id, token: itoken });
    expect(created.body.session.createdBy).toMatchObject({ name: 'Ada Admin', userId: admin.me.user.id });
    // The interviewer link alone names the link; with the browser's cookie too, the person.
    const byLink = await t.api<{ note: Note }>('POST', `/api/sessions/${id}/notes`, { token: itoken, body: { text: 'from the link' } });
    expect(byLink.body.note.author).toEqual({ name: 'interviewer link' });
    const byAda = await t.api<{ note: Note }>('POST', `/api/sessions/${id}/notes`, { token: itoken, body: { text: 'from Ada' }, headers: { cookie: admin.cookie } });
    expect(byAda.body.note.author).toEqual({ userId: admin.me.user.id, name: 'Ada Admin' });
    const score = { outcome: 'pass', competencies: { method: 4, networking: 4, communication: 5 } };
    const scored = await t.api<{ score: { author?: { name: string } } }>('PUT', `/api/sessions/${id}/score`, { token: itoken, body: score, headers: { cookie: admin.cookie } });
    expect(scored.body.score.author?.name).toBe('Ada Admin');
    const view = await t.api<{ session: SessionView }>('GET', `/api/sessions/${id}`, { token: itoken });
    expect(view.body.session.events?.find((e) => e.type === 'score')?.data).toMatchObject({ outcome: 'pass', by: 'Ada Admin' });
    expect(view.body.session.notes?.map((n) => n.author?.name)).toEqual(['interviewer link', 'Ada Admin']);
    expect(view.body.session.events?.find((e) => e.type === 'created')?.data.by).toBe('Ada Admin');
    const candidate = await t.api<{ session: SessionView }>('GET', `/api/sessions/${id}`, { token: created.body.tokens.candidate });
    expect(candidate.body.session.privacyNotice).toMatch(/recorded/);
    expect(candidate.body.session.createdBy).toBeUndefined();
  });

  it('lets a personal API token act for its owner until it is revoked', async () => {
    const made = await t.api<CreatedApiToken>('POST', '/api/tokens', as(admin, { body: { name: 'ATS sync' } }));
    expect(made.status).toBe(201);
    expect(made.body.secret).toMatch(/^flt_/);
    expect((await t.api('GET', '/api/interviews', { token: made.body.secret })).status).toBe(200);
    // Tokens are managed from a sign-in, not by other tokens.
    expect((await t.api('POST', '/api/tokens', { token: made.body.secret, body: { name: 'more' } })).status).toBe(403);
    expect((await t.api('DELETE', `/api/tokens/${made.body.token.id}`, as(admin))).status).toBe(204);
    const revoked = await t.api<{ error: { message: string } }>('GET', '/api/interviews', { token: made.body.secret });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toMatch(/revoked/);
  });

  it('ends a disabled user\'s sign-in at once and refuses new ones', async () => {
    const ivan = await signIn('ivan@example.test', 'interviewer-password-1');
    expect((await t.api('GET', '/api/interviews', { headers: { cookie: ivan.cookie } })).status).toBe(200);
    expect((await t.api('GET', '/api/users', { headers: { cookie: ivan.cookie } })).status).toBe(403);
    const changed = await t.api<{ user: { disabled: boolean } }>('PATCH', `/api/users/${ivan.me.user.id}`, as(admin, { body: { disabled: true } }));
    expect(changed.body.user.disabled).toBe(true);
    expect((await t.api('GET', '/api/me', { headers: { cookie: ivan.cookie } })).status).toBe(401);
    expect((await t.api('GET', '/api/interviews', { headers: { cookie: ivan.cookie } })).status).toBe(401);
    const again = await t.api<{ error: { message: string } }>('POST', '/api/auth/login', { body: { email: 'ivan@example.test', password: 'interviewer-password-1' } });
    expect(again.status).toBe(403);
    expect(again.body.error.message).toMatch(/disabled/);
  });

  it('slows password guessing: after 5 failures even the right password waits', async () => {
    await t.api('POST', '/api/users', as(admin, { body: { email: 'gus@example.test', name: 'Gus', role: 'interviewer', password: 'guessable-password-1' } }));
    for (let i = 0; i < 5; i++) expect((await t.api('POST', '/api/auth/login', { body: { email: 'gus@example.test', password: `wrong-${i}` } })).status).toBe(401);
    const blocked = await t.api<{ error: { code: string; message: string } }>('POST', '/api/auth/login', { body: { email: 'gus@example.test', password: 'guessable-password-1' } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toMatch(/Too many failed sign-ins for this account/);
    expect(blocked.headers.get('retry-after')).toBeTruthy();
    // Another account from the same address is not blocked by it.
    expect((await t.api('POST', '/api/auth/login', { body: { email: 'ada@example.test', password: adminPassword } })).status).toBe(200);
  });

  it('signs out, and keeps an audit log only admins read', async () => {
    expect((await t.api('POST', '/api/auth/logout', as(admin))).status).toBe(204);
    expect((await t.api('GET', '/api/me', { headers: { cookie: admin.cookie } })).status).toBe(401);
    admin = await signIn('ada@example.test', adminPassword);
    const audit = await t.api<{ entries: AuditEntry[] }>('GET', '/api/audit?limit=200', { headers: { cookie: admin.cookie } });
    expect(audit.status).toBe(200);
    const actions = new Set(audit.body.entries.map((e) => e.action));
    for (const a of ['settings', 'user_added', 'sign_in', 'sign_in_failed', 'user_changed', 'token_created', 'token_revoked', 'sign_out']) expect(actions, a).toContain(a);
    const disabled = audit.body.entries.find((e) => e.action === 'user_changed');
    expect(disabled).toMatchObject({ actor: 'Ada Admin <ada@example.test>', target: 'ivan@example.test', detail: { disabled: true, signInsEnded: 1 } });
    expect((await t.api('GET', '/api/audit', { token: INTERVIEWER_KEY })).status).toBe(403);
  });
});

describe('the interviewer key turned off', () => {
  it('is refused with a message that says so and what to use instead', async () => {
    const t = await startTestServer({ FAULTLINE_INTERVIEWER_KEY_ENABLED: 'false' });
    try {
      const res = await t.api<{ error: { message: string } }>('GET', '/api/interviews', { token: INTERVIEWER_KEY });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(/turned off.*FAULTLINE_INTERVIEWER_KEY_ENABLED=false.*API token/);
    } finally {
      await t.server.close();
    }
  });
});
