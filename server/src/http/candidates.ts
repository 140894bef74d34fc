import crypto from 'node:crypto';
import type express from 'express';
import { z } from 'zod';
import type { CandidateSession, Sessions } from '../sessions/index.js';
import { FaultlineError } from '../errors/index.js';
import { actorOf, requireStaff, type IdentityDeps } from './identity.js';
import { parse } from './request.js';

const NAME_NEEDED = 'give the candidate name as the interviews list shows it';
const nameBody = z.object({ name: z.string({ error: NAME_NEEDED }).trim().min(1, NAME_NEEDED).max(200) }).strict();

export interface CandidateRouteDeps extends IdentityDeps {
  sessions: Sessions;
}

/** GET /api/candidates/export: everything held about one candidate. */
export interface CandidateExport {
  candidate: string;
  exportedAt: string;
  sessions: CandidateSession[];
}

function nothingHeld(name: string): FaultlineError {
  return new FaultlineError('not_found', `No session is held for a candidate named "${name}" (names are compared trimmed and ignoring case); check the spelling against the interviews list.`);
}

/**
 * How the audit log names a candidate: a fingerprint of the name (trimmed, lower-cased), never the
 * name, so the log that proves an erasure does not keep what was erased. An admin who knows the
 * name can still find its entries.
 */
export function candidateFingerprint(name: string): string {
  return `candidate sha256:${crypto.createHash('sha256').update(name.trim().toLowerCase()).digest('hex').slice(0, 16)}`;
}

/** A file name for the download made of the name's letters and digits only. */
function fileName(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  return `faultline-candidate-${slug || 'export'}.json`;
}

/**
 * A candidate's right to see and erase what is held about them (docs/api.md), for admins: every
 * session under their name, with its timeline, notes, score, commands and recording, as one JSON
 * download; and its deletion, once none of those sessions is live. Both are in the audit log.
 */
export function candidateRoutes(app: express.Express, deps: CandidateRouteDeps): void {
  const { sessions, accounts } = deps;

  app.get('/api/candidates/export', (req, res) => {
    const caller = requireStaff(req, deps, "export a candidate's data", 'admin');
    const { name } = parse(nameBody, { name: req.query.name });
    const held = sessions.candidateData(name);
    if (held.length === 0) throw nothingHeld(name);
    accounts.audit.record({ action: 'candidate_exported', ...actorOf(caller), target: candidateFingerprint(name), detail: { sessions: held.length }, address: req.ip });
    const body: CandidateExport = { candidate: name, exportedAt: new Date().toISOString(), sessions: held };
    res.set('Cache-Control', 'no-store');
    res.attachment(fileName(name));
    res.json(body);
  });

  app.post('/api/candidates/erase', (req, res) => {
    const caller = requireStaff(req, deps, "erase a candidate's data", 'admin');
    const { name } = parse(nameBody, req.body);
    const erased = sessions.eraseCandidate(name);
    if (erased.length === 0) throw nothingHeld(name);
    accounts.audit.record({ action: 'candidate_erased', ...actorOf(caller), target: candidateFingerprint(name), detail: { sessions: erased.length }, address: req.ip });
    res.json({ erased: erased.length });
  });
}
