import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Config } from '../config/index.js';
import { FaultlineError } from '../errors/index.js';

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
 * gets a clear 429 with a Retry-After header instead of queueing work on the engine.
 */
export function sessionCreationLimit(config: Config): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: config.sessionRateLimitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next, options) =>
      next(
        new FaultlineError(
          'rate_limited',
          `Too many sessions created from this address (limit ${String(options.limit)} per minute); try again in a minute`,
        ),
      ),
  });
}
