import type express from 'express';
import type { Request } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { generatePassword, normalEmail, type Accounts } from '../accounts/index.js';
import type { AccountWithPassword, SignInOptions } from '../contract/index.js';
import { FaultlineError } from '../errors/index.js';
import { authorize, may } from './auth.js';
import { actorOf, completeSignIn, endSignIn, meOf, requireSignedIn, requireStaff, callerOf, type IdentityDeps } from './identity.js';
import { parse } from './request.js';
import type { Sessions } from '../sessions/index.js';

const email = z.string().trim().min(3).max(254);
const signInBody = z.object({ email, password: z.string().min(1).max(1024) });
const role = z.enum(['admin', 'interviewer']);
const newUserBody = z.object({ email, name: z.string().trim().min(1).max(100), role, password: z.string().max(1024).optional() }).strict();
const changeBody = z
  .object({ name: z.string().trim().min(1).max(100).optional(), role: role.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((c) => c.name !== undefined || c.role !== undefined || c.disabled !== undefined, { message: 'name, role or disabled is needed' });
const passwordBody = z.object({ password: z.string().max(1024).optional() }).strict();
const tokenBody = z.object({ name: z.string().trim().min(1).max(80) }).strict();
const auditQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional(), before: z.coerce.number().int().min(1).optional() });

/** Failed sign-ins allowed per account and per address in the window; past them even the right password waits. */
const SIGN_IN_WINDOW_MS = 15 * 60_000;
const FAILURES_PER_ACCOUNT = 5;
const FAILURES_PER_ADDRESS = 20;

export interface AccountRouteDeps extends IdentityDeps {
  accounts: Accounts;
  sessions: Sessions;
}

/**
 * Guessing passwords is slowed per account and per address. Only failures count
 * (skipSuccessfulRequests), so a team behind one NAT signing in is never blocked by its own success.
 */
function signInLimit(limit: number, keyOf: (req: Request) => string, who: string): express.RequestHandler {
  return rateLimit({
    windowMs: SIGN_IN_WINDOW_MS,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    keyGenerator: keyOf,
    handler: (_req, _res, next, options) =>
      next(new FaultlineError('rate_limited', `Too many failed sign-ins ${who} (${String(options.limit)} in 15 minutes); wait 15 minutes and try again, or ask an admin to reset the password.`)),
  });
}

/** Sign-in, sign-out, the signed-in user, user management, personal API tokens and the audit log (docs/api.md). */
export function accountRoutes(app: express.Express, deps: AccountRouteDeps): void {
  const { config, accounts, sessions } = deps;
  const audit = (req: Request, entry: Omit<Parameters<Accounts['audit']['record']>[0], 'actor' | 'actorId' | 'address'>) =>
    accounts.audit.record({ ...actorOf(callerOf(req, deps)), address: req.ip, ...entry });

  app.get('/api/auth/options', (_req, res) => {
    const options: SignInOptions = { local: true, oidc: config.oidc ? { name: config.oidc.name } : undefined };
    res.json(options);
  });

  app.post(
    '/api/auth/login',
    signInLimit(FAILURES_PER_ADDRESS, (req) => `address:${ipKeyGenerator(req.ip ?? '')}`, 'from this address'),
    signInLimit(FAILURES_PER_ACCOUNT, (req) => `account:${normalEmail(String((req.body as { email?: unknown } | undefined)?.email ?? ''))}`, 'for this account'),
    async (req, res) => {
      const body = parse(signInBody, req.body);
      const user = await accounts.users.verifyPassword(body.email, body.password);
      if (!user) {
        accounts.audit.record({ action: 'sign_in_failed', actor: normalEmail(body.email), detail: { method: 'password', reason: 'wrong email or password' }, address: req.ip });
        throw new FaultlineError('unauthorized', 'Wrong email or password. Check both; after 5 failures the account waits 15 minutes.');
      }
      if (user.disabled) {
        accounts.audit.record({ action: 'sign_in_failed', actor: user.email, actorId: user.id, detail: { method: 'password', reason: 'account disabled' }, address: req.ip });
        throw new FaultlineError('forbidden', `The account ${user.email} is disabled; ask a Faultline admin to enable it.`);
      }
      res.json(completeSignIn(req, res, deps, user, 'password'));
    },
  );

  app.post('/api/auth/logout', (req, res) => {
    const caller = requireSignedIn(req, deps, 'sign out');
    audit(req, { action: 'sign_out' });
    if (caller.via === 'cookie') endSignIn(req, res, deps);
    res.status(204).end();
  });

  app.get('/api/me', (req, res) => {
    const caller = callerOf(req, deps);
    if (caller?.kind !== 'user' || caller.via !== 'cookie') throw new FaultlineError('unauthorized', 'Not signed in; sign in at /login.');
    res.json(meOf(caller.user, caller.csrfToken, caller.expiresAt));
  });

  app.get('/api/users', (req, res) => {
    requireStaff(req, deps, 'list the users', 'admin');
    res.json({ users: accounts.users.list() });
  });

  app.post('/api/users', async (req, res) => {
    // The interviewer key may create accounts only until the first admin exists: it bootstraps, then hands over.
    const caller = accounts.users.adminCount() === 0 ? requireStaff(req, deps, 'create a user') : requireStaff(req, deps, 'create a user', 'admin');
    if (caller.kind === 'user' && caller.user.role !== 'admin') throw new FaultlineError('forbidden', `Only an admin can create a user; ${caller.user.email} is an interviewer.`);
    const body = parse(newUserBody, req.body);
    const generated = body.password === undefined ? generatePassword() : undefined;
    const user = await accounts.users.add({ email: body.email, name: body.name, role: body.role, source: 'local', password: body.password ?? generated });
    audit(req, { action: 'user_added', target: user.email, detail: { role: user.role } });
    const answer: AccountWithPassword = { user, password: generated };
    res.status(201).json(answer);
  });

  app.patch('/api/users/:id', (req, res) => {
    const caller = requireStaff(req, deps, 'change a user', 'admin');
    const change = parse(changeBody, req.body);
    const id = String(req.params.id);
    if (caller.kind === 'user' && caller.user.id === id && (change.disabled === true || change.role === 'interviewer')) {
      throw new FaultlineError('conflict', 'You cannot disable yourself or take away your own admin role; ask another admin.');
    }
    const user = accounts.users.change(id, change);
    // Disabling ends every sign-in of the account now, not at its timeout.
    const closed = change.disabled === true ? accounts.webSessions.closeAllFor(id) : 0;
    audit(req, { action: 'user_changed', target: user.email, detail: { ...change, signInsEnded: closed } });
    res.json({ user });
  });

  app.post('/api/users/:id/password', async (req, res) => {
    requireStaff(req, deps, "reset a user's password", 'admin');
    const body = parse(passwordBody, req.body);
    const id = String(req.params.id);
    const generated = body.password === undefined ? generatePassword() : undefined;
    await accounts.users.setPassword(id, body.password ?? (generated as string));
    accounts.webSessions.closeAllFor(id);
    const user = accounts.users.require(id);
    audit(req, { action: 'password_reset', target: user.email });
    const answer: AccountWithPassword = { user, password: generated };
    res.json(answer);
  });

  const ownTokens = (req: Request, action: string) => {
    const caller = requireSignedIn(req, deps, action);
    if (caller.via !== 'cookie') throw new FaultlineError('forbidden', `API tokens cannot ${action}; sign in to the web page to manage tokens.`);
    return caller.user;
  };

  app.get('/api/tokens', (req, res) => {
    res.json({ tokens: accounts.tokens.list(ownTokens(req, 'list your API tokens').id) });
  });

  app.post('/api/tokens', (req, res) => {
    const user = ownTokens(req, 'make an API token');
    const created = accounts.tokens.create(user.id, parse(tokenBody, req.body).name);
    audit(req, { action: 'token_created', target: created.token.name, detail: { tokenId: created.token.id } });
    res.status(201).json(created);
  });

  app.delete('/api/tokens/:tokenId', (req, res) => {
    const user = ownTokens(req, 'revoke an API token');
    const token = accounts.tokens.revoke(user.id, String(req.params.tokenId));
    audit(req, { action: 'token_revoked', target: token.name, detail: { tokenId: token.id } });
    res.status(204).end();
  });

  app.get('/api/audit', (req, res) => {
    requireStaff(req, deps, 'read the audit log', 'admin');
    const query = parse(auditQuery, req.query);
    res.json({ entries: accounts.audit.list({ limit: query.limit, before: query.before }) });
  });

  app.post('/api/sessions/:id/notice', (req, res) => {
    const { record, role } = authorize(sessions, req, may.anyone, 'acknowledge the notice');
    if (role !== 'candidate') throw new FaultlineError('forbidden', "Only the candidate acknowledges the privacy notice; this is not the candidate's link.");
    sessions.acknowledgeNotice(record.id);
    res.status(204).end();
  });
}
