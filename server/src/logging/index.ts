import { pino, type Logger } from 'pino';

/**
 * One structured logger for the process. Secrets never go in: tokens are redacted wherever a
 * field of that name appears.
 */
export const logger: Logger = pino({
  level: process.env.FAULTLINE_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  redact: {
    paths: ['token', '*.token', 'interviewerKey', '*.interviewerKey', 'req.headers.authorization', 'req.headers.cookie'],
    censor: '[redacted]',
  },
  base: { app: 'faultline' },
});

export type { Logger };
