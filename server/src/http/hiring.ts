import type express from 'express';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Config } from '../config/index.js';
import { FaultlineError } from '../errors/index.js';
import type { InterviewList, InterviewRow, InterviewStatus } from '../contract/index.js';
import { MAX_EXTENSION_MINUTES, interviewRow, matchesQuery, type CreateInput, type SessionStore, type Sessions, type Tokens } from '../sessions/index.js';
import { planPartsSchema, type PlanStore } from '../sessions/plans.js';
import { may } from './auth.js';
import type { AsAuthor } from './identity.js';
import { interviewsCsv, interviewsJson } from './interview-export.js';
import { baseUrl, parse } from './request.js';

/** The furthest ahead an interview is booked, and its window's longest. */
const MAX_BOOKING_DAYS = 366;
const MAX_WINDOW_HOURS = 24;
/** The dashboard lists this many interviews, newest first. */
const DASHBOARD_ROWS = 1000;

const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Europe/London');

const windowBody = z
  .object({ opensAt: z.string().datetime({ offset: true }), closesAt: z.string().datetime({ offset: true }), timeZone })
  .refine((w) => Date.parse(w.closesAt) > Date.parse(w.opensAt), { message: 'the window must close after it opens', path: ['closesAt'] })
  .refine((w) => Date.parse(w.closesAt) > Date.now(), { message: 'the window is over already; choose a time in the future', path: ['closesAt'] })
  .refine((w) => Date.parse(w.closesAt) - Date.parse(w.opensAt) <= MAX_WINDOW_HOURS * 3_600_000, { message: `a window lasts at most ${MAX_WINDOW_HOURS} hours`, path: ['closesAt'] })
  .refine((w) => Date.parse(w.opensAt) - Date.now() <= MAX_BOOKING_DAYS * 86_400_000, { message: `book at most ${MAX_BOOKING_DAYS} days ahead`, path: ['opensAt'] })
  .transform((w) => ({ opensAt: new Date(w.opensAt).toISOString(), closesAt: new Date(w.closesAt).toISOString(), timeZone: w.timeZone }));

const visibility = z.enum(['hidden', 'symptom', 'full']);

export const createBody = z
  .object({
    mode: z.enum(['practice', 'interview']),
    scenarioId: z.string().min(1).max(100).optional(),
    parts: planPartsSchema.optional(),
    planId: z.string().min(1).max(64).optional(),
    seed: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and -, at most 32').optional(),
    candidateName: z.string().trim().min(1).max(100).optional(),
    interviewerName: z.string().trim().min(1).max(100).optional(),
    window: windowBody.optional(),
    checkVisibility: visibility.optional(),
  })
  .refine((b) => [b.scenarioId, b.parts, b.planId].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of scenarioId, parts or planId',
    path: ['scenarioId'],
  })
  .refine((b) => b.mode === 'interview' || (b.window === undefined && b.parts === undefined && b.planId === undefined), {
    message: 'only interviews are booked ahead or hold several parts; practice takes a scenarioId',
    path: ['mode'],
  });

/** The body as the session service takes it: a saved plan is read here, once. */
export function createInput(body: z.infer<typeof createBody>, plans: PlanStore): CreateInput {
  let parts = body.parts ?? [{ scenarioId: body.scenarioId as string }];
  if (body.planId) {
    const plan = plans.get(body.planId);
    if (!plan) throw new FaultlineError('not_found', `There is no saved plan ${body.planId}; GET /api/plans lists them.`);
    parts = plan.parts;
  }
  return {
    mode: body.mode,
    parts,
    seed: body.seed,
    candidateName: body.candidateName,
    interviewerName: body.interviewerName,
    window: body.window,
    checkVisibility: body.checkVisibility,
  };
}

/** Each role's page, with its token in the fragment (never sent to a server, never logged). */
export function sessionLinks(base: string, id: string, tokens: Tokens): { candidate: string } & Partial<Record<'interviewer' | 'viewer', string>> {
  const links: { candidate: string } & Partial<Record<'interviewer' | 'viewer', string>> = { candidate: `${base}/s/${id}#${tokens.candidate}` };
  if (tokens.interviewer) links.interviewer = `${base}/i/${id}#${tokens.interviewer}`;
  if (tokens.viewer) links.viewer = `${base}/s/${id}#${tokens.viewer}`;
  return links;
}

const extendBody = z.object({ minutes: z.number().int().min(1).max(MAX_EXTENSION_MINUTES) });
const visibilityBody = z.object({ checkVisibility: visibility });
const planBody = z.object({ name: z.string().trim().min(1).max(100), parts: planPartsSchema });
const STATUSES: readonly InterviewStatus[] = ['scheduled', 'waiting', 'live', 'finished', 'expired', 'failed', 'revoked'];
const listQuery = z.object({
  q: z.string().max(200).optional(),
  status: z.enum(STATUSES as [InterviewStatus, ...InterviewStatus[]]).optional(),
  format: z.enum(['csv', 'json']).optional(),
});

export interface HiringDeps {
  config: Config;
  sessions: Sessions;
  store: SessionStore;
  plans: PlanStore;
  /** Refuses anyone but staff (a signed-in user, an API token or the interviewer key). */
  staff: (req: Request, action: string) => unknown;
  /** Checks the session link, then does the work as its author. */
  asAuthor: AsAuthor;
}

/**
 * The hiring flow's routes (docs/api.md): an interview's Start, withdrawal, extra time, next part
 * and check visibility (the interviewer's token), and the team's dashboard, its exports and saved
 * plans (the interviewer key).
 */
export function hiringRoutes(app: express.Express, { config, sessions, store, plans, staff, asAuthor }: HiringDeps): void {
  const key = staff;
  const answer = (res: Response, id: string, status = 200) => res.status(status).json({ session: sessions.view(id, 'interviewer') });

  app.post('/api/sessions/:id/start', (req, res) => {
    asAuthor(req, may.interviewer, 'start the interview', ({ record }) => {
      sessions.start(record.id);
      answer(res, record.id, 202);
    });
  });

  app.post('/api/sessions/:id/revoke', async (req, res) => {
    await asAuthor(req, may.interviewer, 'withdraw the invite', async ({ record }) => {
      await sessions.revoke(record.id);
      answer(res, record.id);
    });
  });

  app.post('/api/sessions/:id/extend', (req, res) => {
    const { minutes } = parse(extendBody, req.body);
    asAuthor(req, may.interviewer, 'extend the time limit', ({ record }) => {
      sessions.extend(record.id, minutes);
      answer(res, record.id);
    });
  });

  app.post('/api/sessions/:id/next', (req, res) => {
    asAuthor(req, may.interviewer, 'move to the next part', ({ record }) => {
      sessions.nextPart(record.id);
      answer(res, record.id, 202);
    });
  });

  app.put('/api/sessions/:id/visibility', (req, res) => {
    const { checkVisibility } = parse(visibilityBody, req.body);
    asAuthor(req, may.interviewer, 'choose what the candidate sees of the checks', ({ record }) => {
      sessions.setVisibility(record.id, checkVisibility);
      answer(res, record.id);
    });
  });

  const rows = (req: Request): InterviewRow[] => {
    const query = parse(listQuery, req.query);
    const base = baseUrl(config, req);
    const result: InterviewRow[] = [];
    for (const listed of store.interviews(DASHBOARD_ROWS)) {
      const record = sessions.current(listed);
      const tokens = sessions.tokensOf(record.id);
      const links = tokens ? sessionLinks(base, record.id, tokens) : undefined;
      const row = interviewRow(record, {
        titleOf: (id) => sessions.lab.scenario(id).spec.title,
        candidateConnected: sessions.candidateConnected(record.id),
        invite: sessions.inviteStatus(record),
        links: {
          candidate: links?.candidate ?? '',
          interviewer: links?.interviewer ?? '',
          viewer: links?.viewer ?? '',
          report: tokens?.interviewer ? `${base}/i/${record.id}/report#${tokens.interviewer}` : '',
          replay: tokens?.interviewer ? `${base}/r/${record.id}#${tokens.interviewer}` : '',
        },
      });
      if ((query.status === undefined || row.status === query.status) && matchesQuery(row, record, query.q ?? '')) result.push(row);
    }
    return result;
  };

  app.get('/api/interviews', (req, res) => {
    key(req, 'list the interviews');
    const list: InterviewList = { interviews: rows(req) };
    res.json(list);
  });

  app.get('/api/interviews/export', (req, res) => {
    key(req, 'export the interviews');
    const format = parse(listQuery, req.query).format ?? 'csv';
    const day = new Date().toISOString().slice(0, 10);
    res.setHeader('Content-Disposition', `attachment; filename="faultline-interviews-${day}.${format}"`);
    res.setHeader('Cache-Control', 'no-store');
    if (format === 'csv') res.type('text/csv; charset=utf-8').send(interviewsCsv(rows(req)));
    else res.type('application/json').send(interviewsJson(rows(req)));
  });

  app.get('/api/plans', (req, res) => {
    key(req, 'list the saved plans');
    res.json({ plans: plans.list() });
  });

  app.post('/api/plans', (req, res) => {
    key(req, 'save a plan');
    const body = parse(planBody, req.body);
    for (const part of body.parts) sessions.lab.scenario(part.scenarioId);
    res.status(201).json({ plan: plans.create(body.name, body.parts) });
  });

  app.delete('/api/plans/:planId', (req, res) => {
    key(req, 'delete a plan');
    plans.delete(String(req.params.planId));
    res.status(204).end();
  });

}
