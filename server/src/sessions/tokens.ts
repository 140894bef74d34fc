import crypto from 'node:crypto';

/** 144 random bits, URL-safe: role tokens and generated interviewer keys. */
export function newToken(): string {
  return crypto.randomBytes(18).toString('base64url');
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const LETTERS_AND_DIGITS = `${LETTERS}0123456789`;

/**
 * A letter, then 14 letters or digits (77 random bits). Ids go into URLs, file names and command
 * lines (`faultline down <id>`, `node -e ... <id>`): one that began with "-" would be read as an
 * option, so the alphabet has no punctuation at all.
 */
export function newSessionId(): string {
  let id = LETTERS[crypto.randomInt(LETTERS.length)] as string;
  for (let i = 0; i < 14; i++) id += LETTERS_AND_DIGITS[crypto.randomInt(LETTERS_AND_DIGITS.length)];
  return id;
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
