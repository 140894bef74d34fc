import { expect } from 'vitest';
import type { AccountRole, AccountWithPassword, CreatedApiToken, Me } from '../server/src/contract/index.js';
import { INTERVIEWER_KEY, type ApiOptions, type TestServer } from './server-helpers.js';

/** A browser sign-in: the cookie, and what GET /api/me says (its CSRF token). */
export interface SignedIn {
  cookie: string;
  me: Me;
}

export async function signIn(t: TestServer, email: string, password: string): Promise<SignedIn> {
  const res = await t.api<Me>('POST', '/api/auth/login', { body: { email, password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', me: res.body };
}

/** A request from the browser of a signed-in user: the cookie and its CSRF token. */
export function as(who: SignedIn, extra: ApiOptions = {}): ApiOptions {
  return { ...extra, headers: { cookie: who.cookie, 'x-faultline-csrf': who.me.csrfToken, ...extra.headers } };
}

/** The first admin, made with the interviewer key as on a fresh install, signed in. */
export async function firstAdmin(t: TestServer, email = 'admin@example.test', name = 'Ada Admin'): Promise<SignedIn> {
  const made = await t.api<AccountWithPassword>('POST', '/api/users', { token: INTERVIEWER_KEY, body: { email, name, role: 'admin' } });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return signIn(t, email, made.body.password ?? '');
}

/** Another account, made by an admin, signed in. */
export async function addUser(t: TestServer, admin: SignedIn, email: string, name: string, role: AccountRole): Promise<SignedIn> {
  const password = `${role}-password-0123456789`;
  const made = await t.api<AccountWithPassword>('POST', '/api/users', as(admin, { body: { email, name, role, password } }));
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return signIn(t, email, password);
}

/** A personal API token of a signed-in user. */
export async function apiToken(t: TestServer, who: SignedIn, name = 'automation'): Promise<CreatedApiToken> {
  const made = await t.api<CreatedApiToken>('POST', '/api/tokens', as(who, { body: { name } }));
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body;
}
