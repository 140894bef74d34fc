import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import pLimit from 'p-limit';
import { loadConfig } from '../config/index.js';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { Lab, newSeed } from '../lab/index.js';
import { proveScenario, type ProofResult } from '../lab/proof.js';
import { scenarioJsonSchema } from '../scenarios/schema.js';
import { buildClientIfStale } from '../http/client-build.js';
import { ensureInterviewerKey, interviewerKeyNotice } from '../http/interviewer-key.js';
import { startServer } from '../http/server.js';
import { userCommand } from './users.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

function lab(): Lab {
  return new Lab(loadConfig());
}

async function findEnv(l: Lab, envId: string) {
  const env = (await l.runtime.list()).find((e) => e.id === envId);
  if (!env) throw new FaultlineError('not_found', `No environment "${envId}" on the engine; \`faultline ps\` lists them`);
  return l.adopt(env, (process.env.FAULTLINE_ESCALATIONS ?? '').split(',').filter(Boolean));
}

const program = new Command()
  .name('faultline')
  .description('Faultline: deliberately broken lab environments with automatic checks')
  .showHelpAfterError();

program.addCommand(userCommand());

program
  .command('list')
  .description('list the scenario catalogue')
  .action(() => {
    const l = lab();
    for (const s of l.catalogue.scenarios.values()) {
      say(`${s.spec.id.padEnd(32)} ${s.spec.category.padEnd(6)} ${s.spec.difficulty.padEnd(7)} ${s.spec.summary}`);
    }
    for (const e of l.catalogue.errors) say(`INVALID ${e.message}`);
  });

program
  .command('validate')
  .description('validate every scenario folder; exits 1 if any is invalid')
  .action(() => {
    const l = lab();
    for (const s of l.catalogue.scenarios.values()) say(`ok       ${s.spec.id}`);
    for (const e of l.catalogue.errors) say(`invalid  ${e.message}`);
    if (l.catalogue.errors.length > 0) process.exitCode = 1;
  });

program
  .command('schema')
  .description('write the JSON Schema for scenario.yaml to scenarios/scenario.schema.json')
  .action(() => {
    const config = loadConfig();
    const file = path.join(config.scenariosDir, 'scenario.schema.json');
    fs.writeFileSync(file, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    say(`wrote ${path.relative(process.cwd(), file)}`);
  });

program
  .command('images')
  .description('build the base and lab images that are missing or changed')
  .action(async () => {
    await lab().prepare(say);
  });

program
  .command('server-image')
  .description('build the server image for docker-compose from what is installed here (no registry, no download)')
  .option('--tag <tag>', 'image name', process.env.FAULTLINE_IMAGE ?? 'faultline-server:latest')
  .action(async (opts: { tag: string }) => {
    const started = Date.now();
    const l = lab();
    await l.prepare(say);
    const root = path.resolve(l.config.scenariosDir, '..');
    const build = await buildClientIfStale(path.join(root, 'client'), say);
    say(build.built ? `web client built in ${(build.ms / 1000).toFixed(1)} s` : build.reason);
    await l.buildServerImage(root, opts.tag, say);
    say(`built ${opts.tag} in ${((Date.now() - started) / 1000).toFixed(1)} s; start it with: docker-compose up -d`);
  });

program
  .command('up <scenario>')
  .description('bring a scenario environment up and print how to open a shell in it')
  .option('--seed <seed>', 'variant seed (random when omitted)')
  .action(async (scenarioId: string, opts: { seed?: string }) => {
    const l = lab();
    const started = Date.now();
    const env = await l.up(scenarioId, {
      seed: opts.seed,
      ttlMinutes: l.config.envTtlMinutes,
      owner: 'cli',
      onPhase: (phase, detail) => say(`  ${phase}: ${detail} (${Date.now() - started} ms)`),
    });
    say(`environment ${env.env.id} of ${scenarioId} (seed ${env.env.seed}, subnet ${env.env.subnet}) is up`);
    say(`open a shell:   docker exec -it fl-${env.env.id}-${env.env.terminalHost} bash -l`);
    say(`run its checks: npm run faultline -- checks ${env.env.id}`);
    say(`take it down:   npm run faultline -- down ${env.env.id}`);
  });

program
  .command('ps')
  .description('list environments on the engine')
  .action(async () => {
    for (const e of await lab().runtime.list()) {
      say(`${e.id}  ${e.scenarioId.padEnd(32)} seed ${e.seed.padEnd(10)} ${e.subnet.padEnd(16)} expires ${e.expiresAt.toISOString()}`);
    }
  });

program
  .command('checks <envId>')
  .description("run an environment's checks now")
  .action(async (envId: string) => {
    const l = lab();
    const results = await l.checks(await findEnv(l, envId));
    for (const r of results) say(`${r.passed ? 'PASS' : 'FAIL'}  ${r.id.padEnd(24)} ${String(r.durationMs).padStart(5)} ms  ${r.message}`);
    if (results.some((r) => !r.passed)) process.exitCode = 1;
  });

program
  .command('solve <envId>')
  .description("apply the scenario's reference fix")
  .action(async (envId: string) => {
    const l = lab();
    await l.solve(await findEnv(l, envId));
    say('reference solve applied');
  });

program
  .command('escalate <envId> <escalation>')
  .description('inject one of the scenario’s escalations')
  .action(async (envId: string, escalation: string) => {
    const l = lab();
    await l.escalate(await findEnv(l, envId), escalation);
    say(`escalation ${escalation} applied (pass FAULTLINE_ESCALATIONS=${escalation} to later checks)`);
  });

program
  .command('down <envId>')
  .description('remove an environment and everything labelled with it')
  .action(async (envId: string) => {
    await lab().down(envId);
    say(`environment ${envId} removed`);
  });

program
  .command('reap')
  .description('remove environments past their expiry')
  .option('--all', 'remove every Faultline environment, expired or not')
  .action(async (opts: { all?: boolean }) => {
    const l = lab();
    const removed = opts.all
      ? await Promise.all((await l.runtime.list()).map(async (e) => (await l.down(e.id), e.id)))
      : await l.runtime.reapExpired();
    say(`removed ${removed.length} environment(s)${removed.length ? `: ${removed.join(', ')}` : ''}`);
  });

program
  .command('test [scenarios...]')
  .description('prove scenarios: up -> ssh reaches every host -> checks fail -> solve from the terminal host -> checks pass -> escalations -> teardown')
  .addOption(new Option('--seeds <n>', 'seeds per scenario').default('2'))
  .addOption(new Option('--seed <seed>', 'use this seed (repeatable)').argParser((v: string, prev: string[] = []) => [...prev, v]))
  .addOption(new Option('--concurrency <n>', 'environments proven at once').default('2'))
  .action(async (ids: string[], opts: { seeds: string; seed?: string[]; concurrency: string }) => {
    const l = lab();
    for (const e of l.catalogue.errors) say(`invalid  ${e.message}`);
    const scenarios = ids.length > 0 ? ids : [...l.catalogue.scenarios.keys()];
    const seeds = (id: string) =>
      opts.seed ?? Array.from({ length: Number(opts.seeds) }, (_, i) => `${id.length}${i}${newSeed()}`.slice(0, 8));
    const limit = pLimit(Number(opts.concurrency));
    const started = Date.now();
    const results: ProofResult[] = await Promise.all(
      scenarios.flatMap((id) => seeds(id).map((seed) => limit(() => proveScenario(l, id, seed, say)))),
    );
    say('');
    say('scenario                          seed      result  up ms  total ms');
    for (const r of results) {
      const up = r.phases.find((p) => p.phase === 'up')?.ms ?? 0;
      const total = r.phases.reduce((a, p) => a + p.ms, 0);
      say(`${r.scenarioId.padEnd(33)} ${r.seed.padEnd(9)} ${(r.ok ? 'ok' : 'FAIL').padEnd(7)} ${String(up).padStart(5)} ${String(total).padStart(9)}`);
      for (const f of r.failures) say(`    - ${f}`);
    }
    const failed = results.filter((r) => !r.ok).length;
    say(`\n${results.length - failed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (failed > 0 || l.catalogue.errors.length > 0) process.exitCode = 1;
  });

program
  .command('serve')
  .description('run the web server: sessions, REST API, terminals and the web client')
  .action(async () => {
    const config = loadConfig();
    const key = ensureInterviewerKey(config.dataDir, config.interviewerKey);
    config.interviewerKey = key.key;
    const clientDir = path.resolve(config.scenariosDir, '..', 'client');
    if (config.buildClient) {
      const build = await buildClientIfStale(clientDir, say);
      say(build.built ? `web client built in ${(build.ms / 1000).toFixed(1)} s` : build.reason);
    }
    const l = new Lab(config);
    await l.prepare(say);
    const server = await startServer(config, l, { clientDist: path.join(clientDir, 'dist') });
    const { adopted, failed, removed } = server.recovered;
    if (adopted + failed + removed > 0) say(`after the restart: ${adopted} session(s) re-adopted, ${failed} failed, ${removed} leftover environment(s) removed`);
    // After recovery, which tells the previous run's claimed pool environments from unclaimed ones.
    const pool = config.pool.size > 0 ? l.startPool() : undefined;
    const keyNotice = interviewerKeyNotice(key);
    if (keyNotice) say(keyNotice);
    if (server.admins === 0) say('no admin account yet: make one with `npm run faultline -- user add --role admin --email <you> --name <name>` (or POST /api/users with the interviewer key), then sign in at /login');
    say(`Faultline is listening on ${config.publicUrl ?? server.url}`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      say(`${signal}: stopping (environments of live sessions keep running and are re-adopted on the next start)`);
      Promise.all([server.close(), pool?.drain()])
        .then(() => process.exit(0))
        .catch((err: unknown) => {
          process.stderr.write(`faultline: stopping failed: ${errorMessage(err)}\n`);
          process.exit(1);
        });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`faultline: ${errorMessage(err)}\n`);
  process.exitCode = err instanceof FaultlineError && err.code === 'docker_unavailable' ? 3 : 1;
});
