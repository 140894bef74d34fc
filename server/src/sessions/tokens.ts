import crypto from 'node:crypto';

/** 144 random bits, URL-safe: role tokens and generated interviewer keys. */
export function newToken(): string {
  return crypto.randomBytes(18).toString('base64url');
}

export function newSessionId(): string {
  return crypto.randomBytes(9).toString('base64url');
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compare a presented secret with a stored hash in constant time (equal-length digests). */
export function tokenMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
