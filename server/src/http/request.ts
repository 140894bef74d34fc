import type { Request } from 'express';
import type { z } from 'zod';
import type { Config } from '../config/index.js';
import { FaultlineError } from '../errors/index.js';

/** Parse a body with a schema; a mismatch is a 400 naming the field. */
export function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new FaultlineError('bad_request', `${field ? `${field}: ` : ''}${issue?.message ?? 'the request body does not match'}. Correct it and send the request again (docs/api.md shows each body).`);
  }
  return result.data;
}

export function baseUrl(config: Config, req: Request): string {
  return (config.publicUrl ?? `${req.protocol}://${req.get('host') ?? `${config.host}:${config.port}`}`).replace(/\/+$/, '');
}
