import { Command, InvalidArgumentError } from 'commander';
import { AuditLog } from '../accounts/index.js';
import { loadConfig } from '../config/index.js';
import { retentionCutoff } from '../http/retention-job.js';
import { Retention, SessionStore } from '../sessions/index.js';
import { sessionFiles } from '../terminal/index.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

function days(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('give a whole number of days (0 or more)');
  return n;
}

/**
 * `faultline purge`: what the daily job does, now. Finished states are final, so this process
 * may delete them from the database while a server runs on it; live sessions are never touched.
 */
export function purgeCommand(): Command {
  return new Command('purge')
    .description('delete finished sessions (records, timeline, notes, scores, commands, recordings) that ended more than N days ago')
    .option('--older-than-days <n>', 'days since the end (default: FAULTLINE_RETENTION_DAYS)', days)
    .option('--dry-run', 'only list what would be deleted')
    .action((opts: { olderThanDays?: number; dryRun?: boolean }) => {
      const config = loadConfig();
      const olderThanDays = opts.olderThanDays ?? config.retentionDays;
      const store = new SessionStore(config.dbPath);
      try {
        const retention = new Retention(store, sessionFiles(config.dataDir));
        const due = retention.finishedBefore(retentionCutoff(new Date(), olderThanDays));
        const verb = opts.dryRun ? 'would delete' : 'deleting';
        for (const s of due) say(`${verb} ${s.id}  ${s.state.padEnd(7)} ended ${s.endedAt}  ${s.candidateName ?? '(no candidate name)'}`);
        if (opts.dryRun) {
          say(`${due.length} session(s) ended more than ${olderThanDays} day(s) ago; nothing deleted (--dry-run)`);
          return;
        }
        retention.erase(due.map((s) => s.id));
        if (due.length > 0) new AuditLog(store.db).record({ action: 'data_purged', actor: 'cli', detail: { sessions: due.length, olderThanDays } });
        say(`deleted ${due.length} session(s) that ended more than ${olderThanDays} day(s) ago`);
      } finally {
        store.close();
      }
    });
}
