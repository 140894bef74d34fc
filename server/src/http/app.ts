import fs from 'node:fs';
import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Accounts } from '../accounts/index.js';
import type { Config } from '../config/index.js';
import type { CommandsView, CreatedSession, ScenarioSummary } from '../contract/index.js';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import { assertDockerReachable } from '../runtime/docker.js';
import { previewText } from '../scenarios/render.js';
import { checksForRole, commandForRole, visibilityOf, type CommandLog, type SessionStore, type Sessions } from '../sessions/index.js';
import { PlanStore } from '../sessions/plans.js';
import { recordingForRole, recordingPath } from '../terminal/index.js';
import { accountRoutes } from './accounts.js';
import { candidateRoutes } from './candidates.js';
import { authorize, may } from './auth.js';
import { createBody, createInput, hiringRoutes, sessionLinks } from './hiring.js';
import { interviewerKeyUse } from './interviewer-key.js';
import { authoredActions, authorFor, callerOf, requireStaff, type IdentityDeps } from './identity.js';
import { oidcRoutes } from './oidc.js';
import { baseUrl, parse } from './request.js';
import type { Metrics } from './metrics.js';
import { securityHeaders, sessionCreationLimit } from './security.js';
import { notFoundPage, staticClient } from './static.js';

const BODY_LIMIT = '16kb';

const noteBody = z.object({ text: z.string().trim().min(1).max(4000) });
const level = z.number().int().min(1).max(5);
const scoreBody = z.object({
  outcome: z.enum(['pass', 'partial', 'fail']),
  competencies: z.object({ method: level, networking: level, communication: level }),
  summary: z.string().max(4000).optional(),
});
const escalationBody = z.object({ id: z.string().min(1).max(100) });

export interface AppDeps {
  config: Config;
  accounts: Accounts;
  sessions: Sessions;
  store: SessionStore;
  commands: CommandLog;
  metrics: Metrics;
  clientDist: string;
}

export function createApp({ config, accounts, sessions, store, commands, metrics, clientDist }: AppDeps): express.Express {
  const app = express();
  const plans = new PlanStore(store.db);
  app.disable('x-powered-by');
  const identity: IdentityDeps = { config, accounts };
  const noteKeyUsed = interviewerKeyUse(config.dataDir);
  /** Staff only; a use of the interviewer key is noted so later starts stop printing it. */
  const staff = (req: Request, action: string) => {
    const caller = requireStaff(req, identity, action);
    if (caller.kind === 'key') noteKeyUsed();
    return caller;
  };
  const asAuthor = authoredActions(sessions, identity);
  // X-Forwarded-For decides whose rate limit a request counts against: believed only from configured proxies.
  app.set('trust proxy', config.trustProxy.length > 0 ? config.trustProxy : false);
  app.use(securityHeaders());

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      metrics.request(req.method, res.statusCode, ms);
      // Path only: tokens travel in headers and URL fragments, never in what is logged here.
      logger.debug({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) }, 'request');
    });
    next();
  });
  app.use(express.json({ limit: BODY_LIMIT }));
  app.use(cookieParser());

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    const problems: string[] = [];
    await assertDockerReachable(sessions.lab.runtime.docker, 3000).catch((err: unknown) => problems.push(errorMessage(err)));
    try {
      store.assertWritable();
    } catch (err) {
      problems.push(`the session database is not writable: ${errorMessage(err)}`);
    }
    if (problems.length > 0) {
      res.status(503).json({ error: { code: 'docker_unavailable', message: problems.join('; ') } });
      return;
    }
    res.json({ ok: true, docker: 'ok', db: 'ok' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.render());
  });

  // Anyone (a future candidate too) may read the catalogue: it lists what a card shows, at the
  // level of the symptom. Tags and escalation titles name causes: only staff see them.
  app.get('/api/scenarios', (req, res) => {
    const caller = callerOf(req, identity);
    if (caller?.kind === 'key') noteKeyUsed();
    const interviewer = caller !== undefined;
    const scenarios = [...sessions.lab.catalogue.scenarios.values()].map(({ spec }): ScenarioSummary => ({
      id: spec.id,
      title: spec.title,
      category: spec.category,
      difficulty: spec.difficulty,
      timeLimitMinutes: spec.timeLimitMinutes,
      summary: spec.summary,
      hintCount: spec.hints.length,
      escalationCount: spec.escalations.length,
      ...(interviewer
        ? {
            tags: spec.tags,
            escalations: spec.escalations.map((e) => ({ id: e.id, title: previewText(e.title), description: previewText(e.description) })),
          }
        : {}),
    }));
    res.json({ scenarios });
  });

  app.post('/api/sessions', sessionCreationLimit(identity), (req, res) => {
    const body = parse(createBody, req.body);
    const caller = body.mode === 'interview' ? staff(req, 'create an interview') : undefined;
    if (body.mode === 'practice' && !config.allowPractice) {
      throw new FaultlineError('forbidden', 'Practice is turned off on this server (FAULTLINE_ALLOW_PRACTICE=false); ask whoever runs it for an interview link.');
    }
    const author = caller ? authorFor(caller, 'interviewer key') : { name: 'candidate' };
    const { record, tokens } = sessions.as(author, () => sessions.create(createInput(body, plans)));
    const role = record.mode === 'interview' ? 'interviewer' : 'candidate';
    const created: CreatedSession = { session: sessions.view(record.id, role), links: sessionLinks(baseUrl(config, req), record.id, tokens), tokens };
    res.status(201).json(created);
  });

  accountRoutes(app, { ...identity, sessions });
  oidcRoutes(app, identity);
  candidateRoutes(app, { ...identity, sessions });
  hiringRoutes(app, { config, sessions, store, plans, staff, asAuthor });

  app.get('/api/sessions/:id', (req, res) => {
    const { record, role } = authorize(sessions, req, may.anyone, 'read this session');
    res.json({ session: sessions.view(record.id, role) });
  });

  app.post('/api/sessions/:id/checks', async (req, res) => {
    const { record, role } = authorize(sessions, req, may.notViewer, 'run the checks');
    res.json({ checks: checksForRole(await sessions.runChecks(record.id), role, visibilityOf(record)) });
  });

  app.post('/api/sessions/:id/hints', (req, res) => {
    asAuthor(req, may.interviewerOrPracticeCandidate, 'reveal hints', ({ record }) => res.json({ hint: sessions.revealHint(record.id) }));
  });

  app.post('/api/sessions/:id/notes', (req, res) => {
    const { text } = parse(noteBody, req.body);
    asAuthor(req, may.interviewer, 'add notes', ({ record }) => res.status(201).json({ note: sessions.addNote(record.id, text) }));
  });

  app.put('/api/sessions/:id/score', (req, res) => {
    const score = parse(scoreBody, req.body);
    asAuthor(req, may.interviewer, 'score the session', ({ record }) => res.json({ score: sessions.setScore(record.id, score) }));
  });

  app.post('/api/sessions/:id/escalations', async (req, res) => {
    const { id } = parse(escalationBody, req.body);
    await asAuthor(req, may.interviewer, 'inject an escalation', async ({ record, role }) => {
      await sessions.escalate(record.id, id);
      res.json({ session: sessions.view(record.id, role) });
    });
  });

  app.post('/api/sessions/:id/reset', (req, res) => {
    asAuthor(req, may.interviewerOrPracticeCandidate, 'reset the environment', ({ record, role }) => {
      sessions.reset(record.id);
      res.status(202).json({ session: sessions.view(record.id, role) });
    });
  });

  app.post('/api/sessions/:id/give-up', (req, res) => {
    const { record } = authorize(sessions, req, may.practiceCandidate, 'give up');
    res.json({ solution: sessions.giveUp(record.id) });
  });

  app.post('/api/sessions/:id/end', async (req, res) => {
    await asAuthor(req, may.interviewerOrPracticeCandidate, 'end the session', async ({ record, role }) => {
      await sessions.end(record.id);
      res.json({ session: sessions.view(record.id, role) });
    });
  });

  app.get('/api/sessions/:id/events', (req, res) => {
    const { record, role } = authorize(sessions, req, may.watchers, 'read the timeline');
    const events = sessions.events(record.id);
    res.json({ events: role === 'interviewer' ? events : events.map((e) => (e.type === 'note' ? { ...e, data: { id: e.data.id } } : e)) });
  });

  // The command timeline, as the shell reported it (never evidence; see command-log.ts). Read
  // by whoever may read the recording, which holds the same text.
  app.get('/api/sessions/:id/commands', (req, res) => {
    const { record, role } = authorize(sessions, req, may.recording, 'read the commands');
    const list = commands.list(record.id);
    // Fault hosts and revealing labels point at the cause: a practice candidate gets the commands alone.
    if (role === 'candidate') {
      const own: CommandsView = { source: 'as the shell reported it', commands: list.map((c) => commandForRole(c, role)) };
      res.json(own);
      return;
    }
    const spec = sessions.lab.scenario(record.scenarioId).spec;
    const view: CommandsView = { source: 'as the shell reported it', faultHosts: spec.faultHosts, revealing: spec.revealing.map((r) => r.label), commands: list };
    res.json(view);
  });

  app.get('/api/sessions/:id/commands/:command/output', (req, res) => {
    const { record } = authorize(sessions, req, may.recording, "read a command's output");
    const id = Number(req.params.command);
    const output = Number.isSafeInteger(id) ? commands.output(record.id, id) : undefined;
    if (!output) throw new FaultlineError('not_found', `Session ${record.id} has no command ${String(req.params.command)}; list them at /api/sessions/${record.id}/commands`);
    res.json(output);
  });

  app.get('/api/sessions/:id/recording', async (req, res) => {
    const { record, role } = authorize(sessions, req, may.recording, 'download the recording');
    const file = recordingPath(config.dataDir, record.id);
    if (!fs.existsSync(file)) throw new FaultlineError('not_found', 'Nothing was recorded yet: nobody has opened the terminal of this session. The recording starts when someone does.');
    res.setHeader('Content-Type', 'application/x-asciicast');
    res.setHeader('Content-Disposition', `attachment; filename="faultline-${record.id}.cast"`);
    if (role === 'candidate') res.send(recordingForRole(await fs.promises.readFile(file, 'utf8'), role, record, sessions.view(record.id, role).scenario.title));
    else res.sendFile(file);
  });

  app.use('/api', (req, _res) => {
    throw new FaultlineError('not_found', `There is no API route ${req.method} ${req.originalUrl.split('?')[0]}; docs/api.md lists them.`);
  });
  app.use(staticClient(clientDist));
  // A person who follows a wrong link gets the app's own not-found page; programs get JSON.
  app.use(notFoundPage(clientDist));
  app.use((req, _res) => {
    throw new FaultlineError('not_found', `There is nothing at ${req.path}.`);
  });
  app.use(errorHandler);
  return app;
}

/** Every failure answers `{error:{code,message}}` with the code's status. */
const errorHandler: ErrorRequestHandler = (err: unknown, req: Request, res: Response, _next) => {
  const bodyError = err as { type?: string; status?: number };
  let error: FaultlineError;
  if (err instanceof FaultlineError) error = err;
  else if (bodyError.type === 'entity.too.large') error = new FaultlineError('payload_too_large', `The request body is larger than ${BODY_LIMIT}, the most this server reads; send less.`);
  else if (bodyError.type === 'entity.parse.failed') error = new FaultlineError('bad_request', 'The request body is not valid JSON; send a JSON object (Content-Type: application/json).');
  else if (typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    error = new FaultlineError('bad_request', errorMessage(err));
  } else {
    logger.error({ method: req.method, path: req.path, err: errorMessage(err) }, 'request failed');
    error = new FaultlineError('internal', `The server failed to handle this request (${errorMessage(err)}). Try again; if it keeps failing, the server log says more.`);
  }
  if (res.headersSent) return;
  res.status(error.status).json({ error: { code: error.code, message: error.message } });
};
