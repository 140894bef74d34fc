import type express from 'express';
import type { Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { OidcRefusal, OidcRelyingParty } from '../accounts/oidc.js';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import { completeSignIn, type IdentityDeps } from './identity.js';
import { baseUrl } from './request.js';

/** Binds a sign-in to the browser that started it: the callback's state must equal this cookie (no login CSRF). */
const STATE_COOKIE = 'faultline_oidc_state';
const COOKIE_PATH = '/auth/oidc';
const DEFAULT_NEXT = '/dashboard';

/**
 * Single sign-on: GET /auth/oidc/login?next=/path sends the browser to the provider; GET
 * /auth/oidc/callback signs it in (or says plainly why not) and sends it on to `next`.
 */
export function oidcRoutes(app: express.Express, deps: IdentityDeps): void {
  const settings = deps.config.oidc;
  if (!settings) {
    app.get(['/auth/oidc/login', '/auth/oidc/callback'], (_req, res) => {
      page(res, 404, 'Single sign-on is not set up', 'This Faultline server has no single sign-on provider configured. Sign in with your email and password, or ask whoever runs Faultline to set it up (docs/deployment.md, "Single sign-on").');
    });
    return;
  }
  // Built now so that a refused issuer (plain http beyond loopback) stops the server at start.
  const rp = new OidcRelyingParty(settings);
  // Each login fills the pending map and each callback may write the audit log: bounded per address.
  const limit = rateLimit({
    windowMs: 60_000,
    limit: 30,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `oidc:${ipKeyGenerator(req.ip ?? '')}`,
    handler: (_req, res) => page(res, 429, 'Too many sign-in attempts', 'Too many sign-ins were started from this address in the last minute. Wait a minute, then try again.'),
  });

  app.get('/auth/oidc/login', limit, async (req, res) => {
    const next = safeNext(req.query.next);
    try {
      const { url, state } = await rp.begin(`${baseUrl(deps.config, req)}/auth/oidc/callback`, next);
      res.cookie(STATE_COOKIE, state, { httpOnly: true, sameSite: 'lax', secure: deps.config.accounts.secureCookies, path: COOKIE_PATH, maxAge: 10 * 60_000 });
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, url.href);
    } catch (err) {
      logger.warn({ err: errorMessage(err) }, 'single sign-on could not start');
      const status = err instanceof FaultlineError ? err.status : 500;
      page(res, status, 'Single sign-on is unavailable', errorMessage(err));
    }
  });

  app.get('/auth/oidc/callback', limit, async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const bound = (req as Request & { cookies?: Record<string, string> }).cookies?.[STATE_COOKIE];
    res.clearCookie(STATE_COOKIE, { httpOnly: true, sameSite: 'lax', secure: deps.config.accounts.secureCookies, path: COOKIE_PATH });
    let email: string | undefined;
    try {
      if (!state || bound !== state) {
        throw new OidcRefusal('state', 'This sign-in was not started in this browser, or it has expired. Start again from the sign-in page.');
      }
      const query = new URL(req.originalUrl, 'http://faultline.invalid').searchParams;
      const { identity, next } = await rp.finish(state, query);
      email = identity.email;
      const user = await deps.accounts.users.upsertExternal(identity);
      completeSignIn(req, res, deps, user, 'oidc');
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, next);
    } catch (err) {
      email ??= err instanceof OidcRefusal ? err.email : undefined;
      const reason = err instanceof OidcRefusal ? err.reason : err instanceof FaultlineError ? (OTHER_REASONS[err.code] ?? 'error') : 'error';
      if (!(err instanceof FaultlineError)) logger.error({ err: errorMessage(err) }, 'single sign-on callback failed');
      deps.accounts.audit.record({ action: 'sign_in_failed', actor: email ?? 'unknown', detail: { method: 'oidc', reason }, address: req.ip });
      // A local account with the same email is a refusal like the others (403), not an API conflict.
      const status = err instanceof FaultlineError ? (err.code === 'conflict' ? 403 : err.status) : 500;
      // An unexpected failure's own words stay in the log: they may name this server's internals.
      const message = err instanceof FaultlineError ? err.message : 'The sign-in failed on this server. Try again; if it keeps failing, tell whoever runs Faultline (the server log says more).';
      page(res, status, TITLES[reason] ?? 'Sign-in failed', message);
    }
  });
}

const TITLES: Record<string, string> = {
  state: 'This sign-in has expired',
  provider: 'The sign-in provider did not sign you in',
  email: 'Your email address is unknown',
  unverified: 'Your email address is not verified',
  domain: 'This account cannot sign in here',
  role: 'You have no role in Faultline',
  disabled: 'Your Faultline account is disabled',
  local_account: 'This email has a password account here',
};

/** What the accounts core refuses, by its error code: a disabled account, or an email that signs in with a password. */
const OTHER_REASONS: Partial<Record<string, string>> = { forbidden: 'disabled', conflict: 'local_account' };

/** Where to go after signing in: a path on this server (one leading "/"), else the dashboard. */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000 || !value.startsWith('/') || value.startsWith('//') || /[\\\s\p{Cc}]/u.test(value)) return DEFAULT_NEXT;
  const url = new URL(value, 'http://faultline.invalid');
  return url.origin === 'http://faultline.invalid' ? `${url.pathname}${url.search}${url.hash}` : DEFAULT_NEXT;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);
}

/** A plain page (no script: the CSP allows none inline) that says what happened and leads back to the sign-in page. */
function page(res: Response, status: number, title: string, message: string): void {
  res
    .status(status)
    .setHeader('Cache-Control', 'no-store')
    .type('html')
    .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Faultline</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a;background:#fff;line-height:1.5}a{color:#0b57d0}</style>
</head><body><main>
<h1>${escapeHtml(title)}</h1>
<p data-testid="sign-in-problem">${escapeHtml(message)}</p>
<p><a href="/login">Back to the sign-in page</a></p>
</main></body></html>
`);
}
