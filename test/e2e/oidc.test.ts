import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, AuditEntry, Me } from '../../server/src/contract/index.js';
import { expectAccessible } from './axe.js';
import { newPage, shot, startHarness, type Harness } from './harness.js';

// Single sign-on through Chromium against a real OpenID Provider (oidc-provider, certified) on
// loopback: its own login page, the code flow with PKCE back to Faultline, the role from a
// Keycloak-style claim (realm_access.roles), sign-out, and the refusals a hiring team expects.

const CLIENT_ID = 'faultline';
const CLIENT_SECRET = 'a-test-client-secret-of-some-length';
const ADMIN_ROLE = 'faultline-admin';
const INTERVIEWER_ROLE = 'faultline-interviewer';

/** The provider's people, by the login typed on its page. */
const PEOPLE: Record<string, { name: string; roles?: string[] }> = {
  'ada@faultline.test': { name: 'Ada Admin', roles: ['default-roles-faultline', ADMIN_ROLE] },
  'grace@faultline.test': { name: 'Grace Interviewer', roles: [INTERVIEWER_ROLE] },
  'mallory@elsewhere.test': { name: 'Mallory Elsewhere', roles: [ADMIN_ROLE] },
  'nora@faultline.test': { name: 'Nora Norole' },
  'lin@faultline.test': { name: 'Lin Local', roles: [INTERVIEWER_ROLE] },
};

let h: Harness;
let providerServer: http.Server;
let issuer = '';

beforeAll(async () => {
  // The provider's port first: the server is started with its issuer, the provider then with the server's redirect URI.
  providerServer = http.createServer();
  await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${String((providerServer.address() as AddressInfo).port)}`;
  h = await startHarness({
    FAULTLINE_OIDC_ISSUER: issuer,
    FAULTLINE_OIDC_CLIENT_ID: CLIENT_ID,
    FAULTLINE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    FAULTLINE_OIDC_ALLOWED_DOMAINS: 'faultline.test',
    FAULTLINE_OIDC_SCOPES: 'openid email profile roles',
    FAULTLINE_OIDC_ROLE_CLAIM: 'realm_access.roles',
  });
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [`${h.url}/auth/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
    // Email, name and roles only at userinfo (the provider's default for the code flow): the relying party must ask there.
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], roles: ['realm_access'] },
    cookies: { keys: ['a-test-cookie-key-for-the-provider'] },
    features: { devInteractions: { enabled: true } },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
    findAccount: (_ctx, id) => {
      const person = PEOPLE[id];
      if (!person) return Promise.resolve(undefined);
      return Promise.resolve({
        accountId: id,
        claims: () => Promise.resolve({ sub: id, email: id, email_verified: true, name: person.name, ...(person.roles ? { realm_access: { roles: person.roles } } : {}) }),
      });
    },
  });
  providerServer.on('request', provider.callback());
});

afterAll(async () => {
  await h?.close();
  providerServer?.closeAllConnections();
  await new Promise((resolve) => providerServer?.close(resolve));
});

/** A fresh browser signs in at the provider's own page as `login`; the status of Faultline's callback, and the page where it ends. */
async function signIn(login: string, next = '/dashboard'): Promise<{ page: Page; status: number }> {
  const page = await newPage(h);
  let status = 0;
  page.on('response', (r) => {
    if (new URL(r.url()).pathname === '/auth/oidc/callback') status = r.status();
  });
  await page.goto(`/auth/oidc/login?next=${encodeURIComponent(next)}`);
  expect(page.url().startsWith(`${issuer}/`), 'Faultline sends the browser to the provider').toBe(true);
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  // Back at Faultline: the page `next` names, or the refusal page at the callback.
  await page.waitForURL((url) => url.href.startsWith(`${h.url}/`));
  await expect.poll(() => status).not.toBe(0);
  return { page, status };
}

async function me(page: Page): Promise<{ status: number; body?: Me }> {
  const res = await page.request.get('/api/me');
  return res.ok() ? { status: res.status(), body: (await res.json()) as Me } : { status: res.status() };
}

async function signOut(page: Page): Promise<void> {
  const current = await me(page);
  const res = await page.request.post('/api/auth/logout', { headers: { 'X-Faultline-CSRF': current.body?.csrfToken ?? '' } });
  expect(res.status()).toBe(204);
  expect((await me(page)).status).toBe(401);
}

describe.sequential('single sign-on through a real OpenID Provider', () => {
  let admin: Page;

  it('an admin signs in at the provider and comes back to the dashboard, signed in as admin', async () => {
    const signed = await signIn('ada@faultline.test');
    admin = signed.page;
    expect(signed.status).toBe(302);
    expect(new URL(admin.url()).pathname).toBe('/dashboard');
    await admin.getByRole('heading', { name: 'Interviews', level: 1 }).waitFor();
    const current = await me(admin);
    expect(current.status).toBe(200);
    expect(current.body?.user).toMatchObject({ email: 'ada@faultline.test', name: 'Ada Admin', role: 'admin', source: 'oidc', disabled: false });
    await shot(admin, 'oidc-signed-in');
  });

  it('an interviewer signs in with the interviewer role, and a next that leaves the server is not followed; signing out ends it', async () => {
    const { page, status } = await signIn('grace@faultline.test', '//127.0.0.1:1/elsewhere');
    expect(status).toBe(302);
    expect(page.url()).toBe(`${h.url}/dashboard`);
    const current = await me(page);
    expect(current.body?.user).toMatchObject({ email: 'grace@faultline.test', role: 'interviewer', source: 'oidc' });
    await signOut(page);
    await page.context().close();
  });

  it('a user at a domain that is not allowed gets a clear, accessible refusal page and no sign-in', async () => {
    const { page, status } = await signIn('mallory@elsewhere.test');
    expect(status).toBe(403);
    await page.getByRole('heading', { name: 'This account cannot sign in here', level: 1 }).waitFor();
    const text = await page.getByTestId('sign-in-problem').innerText();
    expect(text).toContain('mallory@elsewhere.test is not at a domain allowed to sign in here (faultline.test)');
    expect(await page.getByRole('link', { name: 'Back to the sign-in page' }).getAttribute('href')).toBe('/login');
    await expectAccessible(page, 'the refusal page of single sign-on');
    await shot(page, 'oidc-refused-domain');
    expect((await me(page)).status).toBe(401);
    await page.context().close();
  });

  it('a user without a Faultline role is refused and told what to ask for', async () => {
    const { page, status } = await signIn('nora@faultline.test');
    expect(status).toBe(403);
    await page.getByRole('heading', { name: 'You have no role in Faultline', level: 1 }).waitFor();
    expect(await page.getByTestId('sign-in-problem').innerText()).toContain(`neither the role "${INTERVIEWER_ROLE}" nor "${ADMIN_ROLE}"`);
    expect((await me(page)).status).toBe(401);
    await page.context().close();
  });

  it('a sign-in cancelled at the provider comes back as its refusal, not a sign-in', async () => {
    const page = await newPage(h);
    await page.goto('/auth/oidc/login?next=/dashboard');
    const back = page.waitForResponse((r) => new URL(r.url()).pathname === '/auth/oidc/callback');
    await page.getByRole('link', { name: '[ Cancel ]' }).click();
    expect((await back).status()).toBe(400);
    await page.getByRole('heading', { name: 'The sign-in provider did not sign you in', level: 1 }).waitFor();
    expect(await page.getByTestId('sign-in-problem').innerText()).toContain('access_denied');
    expect((await me(page)).status).toBe(401);
    await page.context().close();
  });

  it('a callback that this browser did not start is refused (no login CSRF)', async () => {
    const page = await newPage(h);
    const res = await page.goto('/auth/oidc/callback?code=stolen&state=someone-elses');
    expect(res?.status()).toBe(400);
    await page.getByRole('heading', { name: 'This sign-in has expired', level: 1 }).waitFor();
    expect((await me(page)).status).toBe(401);
    await page.context().close();
  });

  it('an account an admin disabled is refused at its next single sign-on', async () => {
    const { csrfToken } = (await me(admin)).body ?? { csrfToken: '' };
    const list = (await (await admin.request.get('/api/users')).json()) as { users: Account[] };
    const grace = list.users.find((u) => u.email === 'grace@faultline.test');
    expect(grace?.source).toBe('oidc');
    const changed = await admin.request.patch(`/api/users/${grace?.id ?? ''}`, { headers: { 'X-Faultline-CSRF': csrfToken }, data: { disabled: true } });
    expect(changed.status()).toBe(200);
    const { page, status } = await signIn('grace@faultline.test');
    expect(status).toBe(403);
    await page.getByRole('heading', { name: 'Your Faultline account is disabled', level: 1 }).waitFor();
    expect((await me(page)).status).toBe(401);
    await page.context().close();
  });

  it('an email that has a local (password) account here cannot also come in by single sign-on', async () => {
    const { csrfToken } = (await me(admin)).body ?? { csrfToken: '' };
    const added = await admin.request.post('/api/users', { headers: { 'X-Faultline-CSRF': csrfToken }, data: { email: 'lin@faultline.test', name: 'Lin Local', role: 'interviewer' } });
    expect(added.status()).toBe(201);
    const { page, status } = await signIn('lin@faultline.test');
    expect(status).toBe(403);
    await page.getByRole('heading', { name: 'This email has a password account here', level: 1 }).waitFor();
    expect((await me(page)).status).toBe(401);
    await page.context().close();
  });

  it('the audit log has the sign-ins and the refusals, with who tried; the admin then signs out', async () => {
    const res = await admin.request.get('/api/audit?limit=100');
    expect(res.status()).toBe(200);
    const { entries } = (await res.json()) as { entries: AuditEntry[] };
    const signIns = entries.filter((e) => e.action === 'sign_in').map((e) => e.actor).join('\n');
    expect(signIns).toContain('ada@faultline.test');
    expect(signIns).toContain('grace@faultline.test');
    const failures = entries.filter((e) => e.action === 'sign_in_failed');
    expect(failures.find((e) => e.actor === 'mallory@elsewhere.test')?.detail).toMatchObject({ method: 'oidc', reason: 'domain' });
    expect(failures.find((e) => e.actor === 'nora@faultline.test')?.detail).toMatchObject({ method: 'oidc', reason: 'role' });
    expect(failures.find((e) => e.actor === 'grace@faultline.test')?.detail).toMatchObject({ method: 'oidc', reason: 'disabled' });
    expect(failures.find((e) => e.actor === 'lin@faultline.test')?.detail).toMatchObject({ method: 'oidc', reason: 'local_account' });
    expect(failures.some((e) => e.detail.reason === 'state')).toBe(true);
    expect(failures.some((e) => e.detail.reason === 'provider')).toBe(true);
    await signOut(admin);
  });
});
