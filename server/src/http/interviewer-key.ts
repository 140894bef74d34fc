import fs from 'node:fs';
import path from 'node:path';
import { newToken } from '../sessions/index.js';

export interface InterviewerKey {
  key: string;
  /** 'env' when FAULTLINE_INTERVIEWER_KEY is set, else the file it was read from or written to. */
  source: 'env' | 'file' | 'generated';
  file: string;
}

/**
 * The key that lets someone create interviews. Without FAULTLINE_INTERVIEWER_KEY one is
 * generated once and kept in the data dir (mode 0600), so it survives restarts.
 */
export function ensureInterviewerKey(dataDir: string, fromEnv: string | undefined): InterviewerKey {
  const file = path.join(dataDir, 'interviewer.key');
  if (fromEnv) return { key: fromEnv, source: 'env', file };
  if (fs.existsSync(file)) {
    const key = fs.readFileSync(file, 'utf8').trim();
    if (key.length >= 16) return { key, source: 'file', file };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = newToken();
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { key, source: 'generated', file };
}
