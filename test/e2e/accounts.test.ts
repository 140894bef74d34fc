import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../server-helpers.js';
import { expectAccessible } from './axe.js';
import { newPage, shot, startHarness, type Harness } from './harness.js';
import { firstStaff, submitSignIn } from './staff.js';

// Local staff accounts through Chromium against the real server: the first admin signs in, adds an
// interviewer who signs in elsewhere; wrong passwords meet the rate limit; disabling stops the
// interviewer's session at once; a personal API token works until revoked; the audit log says who
// did what.

const ADMIN = { email: 'ada.admin@example.test', name: 'Ada Admin', role: 'admin' as const };
const INTERVIEWER = { email: 'ivan.interviewer@example.test', name: 'Ivan Interviewer' };

let h: Harness;
let admin: Page;
let interviewer: Page;
let adminPassword = '';
let interviewerPassword = '';

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

describe.sequential('staff accounts', () => {
  it('the first admin, made with the interviewer key, is sent from the dashboard to sign in and back', async () => {
    adminPassword = (await firstStaff(h.url, ADMIN)).password;
    admin = await newPage(h);
    await admin.goto('/dashboard');
    await admin.waitForURL((url) => url.pathname === '/login');
    expect(new URL(admin.url()).searchParams.get('next')).toBe('/dashboard');
    await admin.getByRole('heading', { name: 'Sign in' }).waitFor();
    // No single sign-on configured: no provider link.
    expect(await admin.getByRole('link', { name: /^Sign in with/ }).count()).toBe(0);
    await expectAccessible(admin, 'the sign-in page');
    await shot(admin, 'accounts-login');

    await submitSignIn(admin, ADMIN.email, adminPassword);
    await admin.waitForURL((url) => url.pathname === '/dashboard');
    await admin.getByTestId('no-interviews').waitFor();

    const menu = admin.getByRole('button', { name: /Ada Admin/ });
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    for (const link of ['API tokens', 'Users', 'Audit log']) await admin.getByRole('link', { name: link, exact: true }).waitFor();
    await admin.getByRole('button', { name: 'Sign out' }).waitFor();
    await expectAccessible(admin, 'the dashboard with the account menu open');
    await shot(admin, 'accounts-dashboard-menu');
    await admin.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
  });

  it('signed in, the catalogue creates interviews without asking for the key', async () => {
    await admin.goto('/');
    await admin.getByRole('button', { name: /^Create interview: / }).first().click();
    await admin.getByTestId('interview-as').filter({ hasText: 'Created as Ada Admin.' }).waitFor();
    expect(await admin.getByLabel('Interviewer key').count()).toBe(0);
    await admin.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  it('the admin adds an interviewer in /admin/users and sees the generated password once', async () => {
    await admin.goto('/admin/users');
    await admin.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await admin.getByLabel('Email').fill(INTERVIEWER.email);
    await admin.getByLabel('Name').fill(INTERVIEWER.name);
    await admin.getByLabel('Role', { exact: true }).selectOption('interviewer');
    await admin.getByRole('button', { name: 'Add user' }).click();
    const shown = admin.getByRole('textbox', { name: `Password for ${INTERVIEWER.email}` });
    interviewerPassword = await shown.inputValue();
    expect(interviewerPassword.length).toBeGreaterThanOrEqual(12);
    const row = admin.locator(`tr[data-user="${INTERVIEWER.email}"]`);
    expect(await row.getByRole('combobox', { name: `Role of ${INTERVIEWER.name}` }).inputValue()).toBe('interviewer');
    await expectAccessible(admin, 'the users page with a new password shown');
    await shot(admin, 'accounts-users');
    // Gone once dismissed, and not there after a reload either.
    await admin.getByRole('button', { name: 'Done, hide it' }).click();
    await admin.reload();
    await row.waitFor();
    expect(await admin.getByTestId('shown-password').count()).toBe(0);
  });

  it('the interviewer signs in in another browser; a foreign next= is ignored; the admin pages are refused', async () => {
    interviewer = await newPage(h);
    await interviewer.goto('/login?next=//elsewhere.example/steal');
    await submitSignIn(interviewer, INTERVIEWER.email, interviewerPassword);
    await interviewer.waitForURL((url) => url.pathname === '/dashboard');
    expect(new URL(interviewer.url()).origin).toBe(new URL(h.url).origin);
    await interviewer.getByTestId('no-interviews').waitFor();
    await interviewer.getByRole('button', { name: /Ivan Interviewer/ }).click();
    expect(await interviewer.getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);
    await interviewer.goto('/admin/users');
    await interviewer.getByText('This page is for admins.', { exact: false }).waitFor();
    expect(await interviewer.getByTestId('users').count()).toBe(0);
  });

  it('wrong passwords are refused in words until the rate limit, which then says how long to wait, even for the right password', async () => {
    const page = await newPage(h);
    await page.goto('/login');
    const error = page.getByTestId('sign-in-error');
    // Each attempt's own answer, not the last one still on screen.
    const attempt = async (password: string) => {
      const answered = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/auth/login');
      await submitSignIn(page, ADMIN.email, password);
      const status = (await answered).status();
      // Handled once the page has emptied the password field: typing the next one sooner would be wiped by it.
      await expect.poll(() => page.getByLabel('Password').inputValue()).toBe('');
      return status;
    };
    for (let i = 0; i < 5; i++) {
      expect(await attempt(`not-the-password-${i}`)).toBe(401);
      await expect.poll(() => error.innerText()).toBe('Wrong email or password. Check both and try again.');
    }
    expect(await attempt(adminPassword)).toBe(429);
    await expect.poll(() => error.innerText()).toMatch(/^Too many failed sign-ins: signing in is paused\. Try again in \d+ (minutes?|seconds?), or ask an admin to reset the password\.$/);
    expect(pathOf(page)).toBe('/login');
    await expectAccessible(page, 'the sign-in page, rate limited');
    await shot(page, 'accounts-rate-limited');
    await page.context().close();
  });

  it("disabling the interviewer stops their session at once, and their next sign-in is refused as disabled", async () => {
    await admin.goto('/admin/users');
    const row = admin.locator(`tr[data-user="${INTERVIEWER.email}"]`);
    await row.getByRole('button', { name: 'Disable' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Disable', exact: true }).click();
    await row.getByText('disabled', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Enable' }).waitFor();

    await interviewer.goto('/dashboard');
    await interviewer.waitForURL((url) => url.pathname === '/login');
    expect(new URL(interviewer.url()).searchParams.get('next')).toBe('/dashboard');
    await submitSignIn(interviewer, INTERVIEWER.email, interviewerPassword);
    await expect.poll(() => interviewer.getByTestId('sign-in-error').innerText()).toBe('This account is disabled. Ask an admin to enable it again.');
    expect(pathOf(interviewer)).toBe('/login');
  });

  it('a token made in /account/tokens works as a Bearer token until it is revoked', async () => {
    await admin.goto('/account/tokens');
    await admin.getByLabel('Token name').fill('nightly export');
    await admin.getByRole('button', { name: 'Create token' }).click();
    const secret = await admin.getByRole('textbox', { name: 'Secret of nightly export' }).inputValue();
    expect(secret).toMatch(/^flt_/);
    await expectAccessible(admin, 'the API tokens page with a new secret');
    await shot(admin, 'accounts-tokens');

    expect((await api(h.url, 'GET', '/api/interviews', { token: secret })).status).toBe(200);
    const tokenRow = admin.locator('[data-testid=tokens] tr', { hasText: 'nightly export' });
    await tokenRow.getByRole('button', { name: 'Revoke' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).click();
    await admin.getByText('Revoked “nightly export”', { exact: false }).waitFor();
    await tokenRow.getByText(/^revoked/).waitFor();
    expect((await api(h.url, 'GET', '/api/interviews', { token: secret })).status).toBe(401);
  });

  it('the audit log lists the sign-ins, the failures and the user changes, newest first', async () => {
    await admin.goto('/admin/audit');
    const table = admin.getByTestId('audit');
    await table.waitFor();
    for (const action of ['sign_in', 'sign_in_failed', 'user_added', 'user_changed']) {
      expect(await table.locator(`tr[data-action=${action}]`).count(), action).toBeGreaterThan(0);
    }
    const times = await table.locator('tbody time').evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime') ?? '')));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    await expectAccessible(admin, 'the audit log');
    await shot(admin, 'accounts-audit');
  });

  it('the audit log pages back with Older and forward with Newer', async () => {
    // More entries than a page (50): tokens made with the admin's own sign-in, as the page would.
    const { csrfToken } = (await (await admin.request.get('/api/me')).json()) as { csrfToken: string };
    for (let i = 0; i < 50; i++) {
      const res = await admin.request.post('/api/tokens', { data: { name: `paging ${i}` }, headers: { 'x-faultline-csrf': csrfToken } });
      expect(res.status()).toBe(201);
    }
    await admin.goto('/admin/audit');
    const ids = () => admin.locator('[data-testid=audit] tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-entry'))));
    await expect.poll(async () => (await ids()).length).toBe(50);
    const newest = await ids();
    await admin.getByRole('button', { name: 'Older' }).click();
    await expect.poll(async () => (await ids())[0]).toBeLessThan(Math.min(...newest));
    const older = await ids();
    expect(older).toEqual([...older].sort((a, b) => b - a));
    expect(await admin.locator('tr[data-action=user_added]').count()).toBeGreaterThan(0);
    await admin.getByRole('button', { name: 'Newer' }).click();
    await expect.poll(ids).toEqual(newest);
  });

  it('Sign out ends the session: the dashboard asks to sign in again', async () => {
    await admin.goto('/dashboard');
    await admin.getByRole('button', { name: /Ada Admin/ }).click();
    await admin.getByRole('button', { name: 'Sign out' }).click();
    await admin.waitForURL((url) => url.pathname === '/login');
    await admin.goto('/dashboard');
    await admin.waitForURL((url) => url.pathname === '/login');
  });
});

describe('the sign-in page with single sign-on configured', () => {
  let sso: Harness;
  beforeAll(async () => {
    // Discovery is lazy: the page is drawn without the provider (nothing listens at this issuer).
    sso = await startHarness({
      FAULTLINE_OIDC_ISSUER: 'http://127.0.0.1:9/realms/staff',
      FAULTLINE_OIDC_CLIENT_ID: 'faultline',
      FAULTLINE_OIDC_CLIENT_SECRET: 'test-secret',
      FAULTLINE_OIDC_ALLOWED_DOMAINS: 'example.test',
      FAULTLINE_OIDC_NAME: 'Keycloak',
    });
  });
  afterAll(async () => {
    await sso?.close();
  });

  it('offers a link named after the provider that carries next, beside the password form', async () => {
    const page = await newPage(sso);
    await page.goto('/login?next=/admin/audit');
    const link = page.getByRole('link', { name: 'Sign in with Keycloak', exact: true });
    expect(await link.getAttribute('href')).toBe('/auth/oidc/login?next=%2Fadmin%2Faudit');
    await page.getByLabel('Password').waitFor();
    await expectAccessible(page, 'the sign-in page with single sign-on');
    await shot(page, 'accounts-login-sso');
    // A next that leaves the site is replaced by the dashboard, for the provider's way too.
    await page.goto('/login?next=https://elsewhere.example/');
    expect(await link.getAttribute('href')).toBe('/auth/oidc/login?next=%2Fdashboard');
  });
});
