import type { Page } from 'playwright-core';
import type { AccountRole, AccountWithPassword } from '../../server/src/contract/index.js';
import { api, INTERVIEWER_KEY } from '../server-helpers.js';

/**
 * The first staff account of a fresh server, made as an operator would before any admin exists:
 * POST /api/users with the interviewer key. Answers with the generated password.
 */
export async function firstStaff(url: string, user: { email: string; name: string; role?: AccountRole }): Promise<{ email: string; password: string }> {
  const res = await api<AccountWithPassword>(url, 'POST', '/api/users', { token: INTERVIEWER_KEY, body: { role: 'admin', ...user } });
  if (res.status !== 201 || !res.body.password) throw new Error(`POST /api/users answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { email: user.email, password: res.body.password };
}

/** Fill the sign-in form and send it (the caller waits for where it lands, or the error). */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Sign in at /login (coming back to `next`) and wait until the page there is shown. */
export async function signIn(page: Page, email: string, password: string, next = '/dashboard'): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await submitSignIn(page, email, password);
  await page.waitForURL((url) => url.pathname === next);
}
