import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { FaultlineError } from '../errors/index.js';
import { callerOf, type IdentityDeps } from './identity.js';

/**
 * Security headers for every answer. The client is same-origin scripts and styles only; xterm.js
 * sets inline style attributes, hence 'unsafe-inline' for styles (never for scripts).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/**
 * Session creation per client address (each one starts containers): a burst beyond the limit
 * gets a clear 429 with a Retry-After header instead of queueing work on the engine. Requests
 * that fail (a bad body, a wrong key, a full lab) do not count. Each staff user, and the interviewer
 * key, has an allowance of their own, so anonymous traffic from the same address cannot use it up.
 */
export function sessionCreationLimit(deps: IdentityDeps): RequestHandler {
  const staff = (req: Parameters<RequestHandler>[0]) => {
    const caller = callerOf(req, deps);
    if (!caller) return undefined;
    return caller.kind === 'key' ? { key: 'interviewer-key', who: 'with the interviewer key' } : { key: `user:${caller.user.id}`, who: `by ${caller.user.email}` };
  };
  return rateLimit({
    windowMs: 60_000,
    limit: deps.config.sessionRateLimitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipFailedRequests: true,
    keyGenerator: (req) => staff(req)?.key ?? `address:${ipKeyGenerator(req.ip ?? '')}`,
    handler: (req, _res, next, options) =>
      next(new FaultlineError('rate_limited', `Too many sessions created ${staff(req)?.who ?? 'from this address'} (limit ${String(options.limit)} per minute); try again in a minute`)),
  });
}
