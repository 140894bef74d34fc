import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { API_TOKEN_PREFIX, type Accounts } from '../accounts/index.js';
import type { Config } from '../config/index.js';
import type { Account, AccountRole, Author, Me } from '../contract/index.js';
import { FaultlineError } from '../errors/index.js';
import type { Sessions } from '../sessions/index.js';
import { authorize, bearer, isInterviewerKey, type Authorized, type Permission } from './auth.js';

export const SIGN_IN_COOKIE = 'faultline_session';
export const CSRF_HEADER = 'x-faultline-csrf';

export interface IdentityDeps {
  config: Config;
  accounts: Accounts;
}

/** Who is calling a staff route: a signed-in user (browser or API token), or the shared interviewer key. */
export type Caller = { kind: 'user'; user: Account; via: 'cookie'; csrfToken: string; expiresAt: string } | { kind: 'user'; user: Account; via: 'token' } | { kind: 'key' };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const resolved = new WeakMap<Request, Caller | null>();

function cookieSecret(req: Request): string | undefined {
  const cookies = (req as Request & { cookies?: Record<string, string> }).cookies;
  return cookies?.[SIGN_IN_COOKIE];
}

/** The caller, or undefined; resolved once per request. A bearer that is a session link names nobody here. */
export function callerOf(req: Request, { config, accounts }: IdentityDeps): Caller | undefined {
  const known = resolved.get(req);
  if (known !== undefined) return known ?? undefined;
  let caller: Caller | undefined;
  const presented = bearer(req);
  if (presented?.startsWith(API_TOKEN_PREFIX)) {
    const user = accounts.tokens.resolve(presented);
    caller = user ? { kind: 'user', user, via: 'token' } : undefined;
  } else if (config.accounts.interviewerKeyEnabled && isInterviewerKey(req, config.interviewerKey)) {
    caller = { kind: 'key' };
  } else {
    const secret = cookieSecret(req);
    const session = secret ? accounts.webSessions.resolve(secret) : undefined;
    caller = session ? { kind: 'user', user: session.user, via: 'cookie', csrfToken: session.csrfToken, expiresAt: session.expiresAt } : undefined;
  }
  resolved.set(req, caller ?? null);
  return caller;
}

/**
 * A change made with the cookie must carry the sign-in's CSRF token in a header (which a page on
 * another site can neither read nor send without a CORS preflight this server never grants), and,
 * when the browser names an Origin, it must be this server's own.
 */
function assertSameSite(req: Request, caller: Caller, config: Config): void {
  if (caller.kind !== 'user' || caller.via !== 'cookie' || SAFE_METHODS.has(req.method)) return;
  const origin = req.get('origin');
  const ownOrigins = new Set([`${req.protocol}://${req.get('host') ?? ''}`, ...(config.publicUrl ? [new URL(config.publicUrl).origin] : [])]);
  const header = req.get(CSRF_HEADER) ?? '';
  const tokenOk = header.length === caller.csrfToken.length && crypto.timingSafeEqual(Buffer.from(header), Buffer.from(caller.csrfToken));
  if ((origin !== undefined && !ownOrigins.has(origin)) || !tokenOk) {
    throw new FaultlineError(
      'forbidden',
      'Cross-site request refused: a change made with the sign-in cookie must come from this server\'s own pages (with the X-Faultline-CSRF header GET /api/me gives). Scripts should use a personal API token instead.',
    );
  }
}

function signInHint(config: Config): string {
  const key = config.accounts.interviewerKeyEnabled
    ? ', or the interviewer key (the server prints it when it starts; it is FAULTLINE_INTERVIEWER_KEY, or the file interviewer.key in its data directory)'
    : '';
  return `Sign in at /login, or send a personal API token as an Authorization: Bearer header${key}.`;
}

/**
 * The staff caller allowed to do `action`, or a refusal that says what is missing: 401 without a
 * usable credential (naming a revoked token or a turned-off key as such), 403 for a role too low.
 */
export function requireStaff(req: Request, deps: IdentityDeps, action: string, role: AccountRole = 'interviewer'): Caller {
  const caller = callerOf(req, deps);
  const presented = bearer(req);
  if (!caller) {
    if (presented?.startsWith(API_TOKEN_PREFIX)) {
      throw new FaultlineError('unauthorized', `That API token cannot ${action}: it was revoked, never existed here, or its owner's account is disabled. Make a new one under Account → API tokens.`);
    }
    if (presented && !deps.config.accounts.interviewerKeyEnabled && isInterviewerKey(req, deps.config.interviewerKey)) {
      throw new FaultlineError('unauthorized', `The interviewer key is turned off on this server (FAULTLINE_INTERVIEWER_KEY_ENABLED=false), so it cannot ${action}. ${signInHint(deps.config)}`);
    }
    throw new FaultlineError(
      'unauthorized',
      presented
        ? `That credential cannot ${action}: it is not an API token or the interviewer key of this server. Check it for typos or a missing part. ${signInHint(deps.config)}`
        : `To ${action} you need to be signed in. ${signInHint(deps.config)}`,
    );
  }
  if (role === 'admin' && !(caller.kind === 'user' && caller.user.role === 'admin')) {
    throw new FaultlineError('forbidden', `Only an admin can ${action}; ${caller.kind === 'key' ? 'the interviewer key is not an admin' : `${caller.user.email} is an interviewer`}.`);
  }
  assertSameSite(req, caller, deps.config);
  return caller;
}

/** The signed-in user (cookie only): the account pages and sign-out. */
export function requireSignedIn(req: Request, deps: IdentityDeps, action: string): Extract<Caller, { kind: 'user' }> {
  const caller = requireStaff(req, deps, action);
  if (caller.kind !== 'user') throw new FaultlineError('unauthorized', `To ${action} sign in as yourself at /login; the interviewer key belongs to nobody.`);
  return caller;
}

export function authorFor(caller: Caller | undefined, fallback: string): Author {
  if (caller?.kind === 'user') return { userId: caller.user.id, name: caller.user.name };
  if (caller?.kind === 'key') return { name: 'interviewer key' };
  return { name: fallback };
}

/** Who did an interviewer action: the signed-in user when the browser sends its cookie, else the credential used. */
export function authorOf(req: Request, deps: IdentityDeps, fallback: string): Author {
  return authorFor(callerOf(req, deps), fallback);
}

/** The audit log's words for a caller. */
export function actorOf(caller: Caller | undefined): { actor: string; actorId?: string } {
  if (caller?.kind === 'user') return { actor: `${caller.user.name} <${caller.user.email}>`, actorId: caller.user.id };
  if (caller?.kind === 'key') return { actor: 'interviewer key' };
  return { actor: 'anonymous' };
}

export function meOf(user: Account, csrfToken: string, expiresAt: string): Me {
  return { user, csrfToken, expiresAt };
}

/** Open a browser sign-in for `user`: the cookie, the last sign-in time and the audit entry. */
export function completeSignIn(req: Request, res: Response, { config, accounts }: IdentityDeps, user: Account, method: 'password' | 'oidc'): Me {
  const previous = cookieSecret(req);
  // A sign-in never reuses a cookie that was there before (session fixation).
  if (previous) accounts.webSessions.close(previous);
  const opened = accounts.webSessions.open(user.id);
  res.cookie(SIGN_IN_COOKIE, opened.secret, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.accounts.secureCookies,
    path: '/',
    maxAge: config.accounts.maxHours * 3_600_000,
  });
  accounts.users.signedIn(user.id);
  accounts.audit.record({ action: 'sign_in', actor: `${user.name} <${user.email}>`, actorId: user.id, detail: { method }, address: req.ip });
  return meOf(accounts.users.require(user.id), opened.csrfToken, opened.expiresAt);
}

export function endSignIn(req: Request, res: Response, { config, accounts }: IdentityDeps): void {
  const secret = cookieSecret(req);
  if (secret) accounts.webSessions.close(secret);
  res.clearCookie(SIGN_IN_COOKIE, { httpOnly: true, sameSite: 'lax', secure: config.accounts.secureCookies, path: '/' });
}

/** A session route's action: the link is checked, then the work runs as its author. */
export type AsAuthor = <T>(req: Request, permission: Permission, action: string, work: (found: Authorized) => T) => T;

/**
 * Session routes authorize with the link; who acted is the signed-in user when the browser sends
 * the cookie too, else the link's role ("interviewer link", "candidate").
 */
export function authoredActions(sessions: Sessions, deps: IdentityDeps): AsAuthor {
  return (req, permission, action, work) => {
    const found = authorize(sessions, req, permission, action);
    const fallback = found.role === 'interviewer' ? 'interviewer link' : found.role;
    return sessions.as(authorOf(req, deps, fallback), () => work(found));
  };
}
