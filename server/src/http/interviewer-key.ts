import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import { newToken } from '../sessions/index.js';

export interface InterviewerKey {
  key: string;
  /** 'env' when FAULTLINE_INTERVIEWER_KEY is set, else the file it was read from or written to. */
  source: 'env' | 'file' | 'generated';
  file: string;
  /** Whether the key was ever accepted by this server (a marker next to the file). */
  used: boolean;
}

const KEY_FILE = 'interviewer.key';
const USED_MARKER = 'interviewer.key.used';

/**
 * The key that lets someone create interviews. Without FAULTLINE_INTERVIEWER_KEY one is
 * generated once and kept in the data dir (mode 0600), so it survives restarts.
 */
export function ensureInterviewerKey(dataDir: string, fromEnv: string | undefined): InterviewerKey {
  const file = path.join(dataDir, KEY_FILE);
  const used = fs.existsSync(path.join(dataDir, USED_MARKER));
  if (fromEnv) return { key: fromEnv, source: 'env', file, used };
  if (fs.existsSync(file)) {
    const key = fs.readFileSync(file, 'utf8').trim();
    if (key.length >= 16) return { key, source: 'file', file, used };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = newToken();
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  // A new key has not been used, whatever an older one was.
  fs.rmSync(path.join(dataDir, USED_MARKER), { force: true });
  return { key, source: 'generated', file, used: false };
}

/**
 * The start-up line about the key. Until someone has used it, the key itself is printed at every
 * start: a first start that failed after generating it must not leave it unseen.
 */
export function interviewerKeyNotice(key: InterviewerKey): string | undefined {
  if (key.source === 'env') return undefined;
  if (key.source === 'generated') return `interviewer key (new; kept in ${key.file}): ${key.key}`;
  if (!key.used) return `interviewer key (not used yet; kept in ${key.file}): ${key.key}`;
  return `interviewer key: in ${key.file} (cat ${key.file} prints it)`;
}

/** Record, once per process, that the key was accepted: later starts then stop printing it. */
export function interviewerKeyUse(dataDir: string): () => void {
  let noted = false;
  return () => {
    if (noted) return;
    noted = true;
    const marker = path.join(dataDir, USED_MARKER);
    try {
      if (!fs.existsSync(marker)) fs.writeFileSync(marker, `${new Date().toISOString()}\n`, { mode: 0o600 });
    } catch (err) {
      logger.warn({ marker, err: errorMessage(err) }, 'could not note that the interviewer key was used; the next start prints it again');
    }
  };
}
