import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Config } from '../config/index.js';
import { FaultlineError } from '../errors/index.js';
import { isInterviewerKey } from './auth.js';

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
 * that fail (a bad body, a wrong key, a full lab) do not count. The interviewer key has its own
 * allowance, so anonymous traffic from the same address cannot use it up.
 */
export function sessionCreationLimit(config: Config): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: config.sessionRateLimitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipFailedRequests: true,
    keyGenerator: (req) => (isInterviewerKey(req, config.interviewerKey) ? 'interviewer-key' : `address:${ipKeyGenerator(req.ip ?? '')}`),
    handler: (req, _res, next, options) =>
      next(
        new FaultlineError(
          'rate_limited',
          isInterviewerKey(req, config.interviewerKey)
            ? `Too many sessions created with the interviewer key (limit ${String(options.limit)} per minute); try again in a minute`
            : `Too many sessions created from this address (limit ${String(options.limit)} per minute); try again in a minute`,
        ),
      ),
  });
}
