import type { AuditLog } from '../accounts/index.js';
import type { Config } from '../config/index.js';
import { errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import type { FinishedSession, Sessions } from '../sessions/index.js';

/** The first round waits this long after start, so a restarting server is up before it deletes. */
const FIRST_RUN_MS = 60_000;
const DAY_MS = 24 * 60 * 60_000;

export interface RetentionJob {
  /** One round now (tests pass a later `now`); returns what it deleted. */
  run(now?: Date): FinishedSession[];
  stop(): void;
}

/** The moment before which a session must have ended to be deleted. */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/**
 * Delete the sessions that ended more than config.retentionDays ago: shortly after start, then
 * daily. The timers are unref'd: they never keep the process alive.
 */
export function startRetentionJob(sessions: Sessions, audit: Pick<AuditLog, 'record'>, config: Pick<Config, 'retentionDays'>): RetentionJob {
  const run = (now = new Date()): FinishedSession[] => {
    const deleted = sessions.purgeFinishedBefore(retentionCutoff(now, config.retentionDays));
    if (deleted.length > 0) {
      audit.record({ action: 'data_purged', actor: 'system', detail: { sessions: deleted.length, olderThanDays: config.retentionDays } });
      logger.info({ sessions: deleted.length, olderThanDays: config.retentionDays }, 'finished sessions past the retention period deleted');
    }
    return deleted;
  };
  const round = () => {
    try {
      run();
    } catch (err) {
      logger.error({ err: errorMessage(err) }, 'the retention purge failed; it is tried again in a day, or run `faultline purge`');
    }
  };
  let daily: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    round();
    daily = setInterval(round, DAY_MS);
    daily.unref();
  }, FIRST_RUN_MS);
  first.unref();
  return {
    run,
    stop() {
      clearTimeout(first);
      if (daily) clearInterval(daily);
    },
  };
}
