import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../server/src/scenarios/loader.js';
import { COLLECT_SEEN, onHosts, passing, shadowTools, watchProcesses } from './forgery-helpers.js';
import { ShellDriver } from './shell-driver.js';
import { testLab } from './helpers.js';

/**
 * The classes of forgery that apply to every scenario, tried on each in its broken state from the
 * candidate's terminal: every host they reach gets tools that print success, and a watch that
 * reads every process list and every `bash -s` script's stdin while two check rounds run. Nothing
 * is fixed, so every check must stay red, and the watch must see no check.
 */
const lab = testLab();
const ids = [...loadCatalogue(path.resolve('scenarios')).scenarios.keys()];
const SUCCESS = 'ok\nVerify return code: 0 (ok)\nHTTP/1.1 200 OK\n{"status": "ok"}';

describe.concurrent('no scenario\'s verdict can be forged from the hosts a candidate reaches', { timeout: 600_000 }, () => {
  it.each(ids)('%s', async (id) => {
    const env = await lab.up(id, { seed: 'forgery', ttlMinutes: 30, owner: 'test' });
    try {
      const shell = new ShellDriver(await lab.runtime.openShell(env.env, { cols: 200, rows: 50 }));
      try {
        await shell.run('true');
        const others = env.rendered.hosts.filter((h) => !h.terminal).map((h) => h.name);
        // A host the fault itself cuts off from ssh is one the candidate cannot forge on either.
        await onHosts(shell, others, watchProcesses(25), { strict: false, timeoutMs: 60_000 });
        await onHosts(shell, [env.env.terminalHost, ...others], shadowTools(SUCCESS), { strict: false, timeoutMs: 60_000 });
        const rounds = [...(await lab.checks(env)), ...(await lab.checks(env))];
        expect(passing(rounds), id).toEqual([]);
        const seen = await onHosts(shell, others, COLLECT_SEEN, { strict: false, timeoutMs: 60_000 });
        expect(seen.split('\n').filter((l) => others.some((h) => l.startsWith(`${h}: `))), id).toEqual([]);
      } finally {
        shell.close();
      }
    } finally {
      await lab.down(env.env.id);
    }
  });
});
