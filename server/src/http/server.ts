import { notifyHiringEvents } from '../notify/hiring-events.js';
import { Webhook } from '../notify/webhook.js';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Accounts } from '../accounts/index.js';
import { auditSettings } from '../accounts/settings-audit.js';
import type { Config } from '../config/index.js';
import { FaultlineError, errorMessage } from '../errors/index.js';
import type { Lab } from '../lab/index.js';
import { logger } from '../logging/index.js';
import { CommandLog, SessionStore, Sessions } from '../sessions/index.js';
import { TerminalGateway } from '../terminal/index.js';
import { createApp } from './app.js';
import { Metrics } from './metrics.js';

/** How often expired environments and the disk watchdog are looked at. */
const JANITOR_INTERVAL_MS = 30_000;

/**
 * Housekeeping the engine cannot do for itself: remove environments past their hard expiry (the
 * label every environment carries, whoever created it) and those of ended sessions that are still
 * there, and fail sessions over the disk limit.
 */
function startJanitor(sessions: Sessions, lab: Lab): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    Promise.all([lab.runtime.reapExpired(), sessions.sweepOrphans(), sessions.enforceDiskLimit()])
      .then(([reaped, orphans, failed]) => {
        if (reaped.length + orphans.length + failed.length > 0) logger.info({ reaped, orphans, failedOverDisk: failed }, 'janitor');
      })
      .catch((err: unknown) => logger.error({ err: errorMessage(err) }, 'janitor round failed'))
      .finally(() => {
        running = false;
      });
  }, JANITOR_INTERVAL_MS);
  timer.unref();
  return timer;
}

export interface RunningServer {
  url: string;
  port: number;
  sessions: Sessions;
  recovered: { adopted: number; failed: number; removed: number };
  /** Staff accounts that can sign in now (no admin yet: the start-up output says how to make one). */
  admins: number;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Where the built web client lives; default client/dist next to the scenarios folder. */
  clientDist?: string;
}

/**
 * Open the database, re-adopt what survived a restart, and listen. The Lab must already be
 * prepared (images built) by the caller.
 */
export async function startServer(config: Config, lab: Lab, options: ServerOptions = {}): Promise<RunningServer> {
  const store = new SessionStore(config.dbPath);
  const sessions = new Sessions(config, lab, store);
  const commands = new CommandLog(store.db);
  const accounts = new Accounts(store.db, config.accounts);
  auditSettings(accounts.audit, config);
  const gateway = new TerminalGateway(config, sessions, commands);
  const webhook = new Webhook(config);
  notifyHiringEvents(sessions, webhook);
  const recovered = await sessions.recover();
  if (recovered.adopted + recovered.failed + recovered.removed > 0) logger.info(recovered, 'sessions recovered after a restart');
  sessions.startReaper();
  sessions.watchHosts();
  const janitor = startJanitor(sessions, lab);
  const metrics = new Metrics({
    sessionsByState: () => sessions.countByState(),
    terminalConnections: () => gateway.connections(),
    terminalTraffic: () => gateway.traffic,
    environments: async () => {
      const envs = await lab.runtime.list();
      return { environments: envs.length, containers: envs.reduce((n, e) => n + Object.keys(e.containers).length, 0) };
    },
    pool: () => lab.pool?.stats() ?? [],
    poolMemoryBytes: () => lab.poolMemoryBytes(),
    startQueue: () => ({ active: lab.starts.activeCount, waiting: lab.starts.waitingCount }),
  });
  sessions.on('event', (_id, event) => {
    if (event.type === 'ready' && typeof event.data.startMs === 'number') {
      metrics.sessionStarted(event.data.startMs / 1000, event.data.source === 'cold' ? 'cold' : 'pool');
    }
  });
  sessions.on('checks', (_id, checks) => {
    for (const c of checks) metrics.checkRan(c.durationMs / 1000, c.passed);
  });
  const clientDist = options.clientDist ?? path.resolve(config.scenariosDir, '..', 'client', 'dist');
  const app = createApp({ config, accounts, sessions, store, commands, metrics, clientDist });
  const server = http.createServer(app);
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  server.on('clientError', (err, socket) => {
    logger.debug({ err: errorMessage(err) }, 'malformed HTTP request');
    socket.destroy();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    // Nothing may keep a start that failed alive (the engine watch, timers): the process exits with the cause.
    clearInterval(janitor);
    sessions.close();
    gateway.close();
    await sessions.settled();
    await webhook.close();
    store.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new FaultlineError('conflict', `${config.host}:${config.port} is in use by another program (EADDRINUSE); stop it, or set FAULTLINE_PORT to a free port`, { cause: err });
    }
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${port}`,
    port,
    sessions,
    recovered,
    admins: accounts.users.adminCount(),
    async close() {
      clearInterval(janitor);
      sessions.close();
      gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Environments being brought up or removed finish before the database closes.
      await sessions.settled();
      await webhook.close();
      store.close();
    },
  };
}
