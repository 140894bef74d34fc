import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

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

/**
 * The server's link key (links.key in the data directory, made on first use, mode 0600). A
 * session's role tokens are derived from it, so the dashboard can give an interview's links again
 * while the database still holds only their hashes.
 */
export function loadLinkKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'links.key');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
}

/** A role's token on a session, derived from the link key (144 bits, URL-safe, like newToken). */
export function linkToken(key: Buffer, sessionId: string, role: string): string {
  return crypto.createHmac('sha256', key).update(`${sessionId}:${role}`).digest().subarray(0, 18).toString('base64url');
}
