import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FaultlineError } from '../errors/index.js';

const VITE_CONFIGS = ['vite.config.ts', 'vite.config.js', 'vite.config.mts', 'vite.config.mjs'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export type ClientBuildResult = { built: false; reason: string } | { built: true; ms: number };

/**
 * Build the web client when client/dist is missing or older than client/src (or its config),
 * with the project's `build:client` script (the client's own), else `npx vite build` in client/.
 */
export async function buildClientIfStale(clientDir: string, say: (line: string) => void): Promise<ClientBuildResult> {
  const config = VITE_CONFIGS.find((f) => fs.existsSync(path.join(clientDir, f)));
  if (!config) return { built: false, reason: `${clientDir} has no vite config yet; serving without a built client` };
  const index = path.join(clientDir, 'dist', 'index.html');
  const src = path.join(clientDir, 'src');
  const sourceTime = Math.max(fs.existsSync(src) ? newestMtime(src) : 0, fs.statSync(path.join(clientDir, config)).mtimeMs);
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sourceTime) return { built: false, reason: 'client/dist is up to date' };
  const [cmd, args, cwd] = buildCommand(clientDir);
  say(`building the web client (${cmd} ${args.join(' ')} in ${cwd})...`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (err) => reject(new FaultlineError('internal', `Cannot run ${cmd}: ${err.message}`)));
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new FaultlineError('internal', `Building the web client failed (${cmd} ${args.join(' ')} exited ${code}); fix client/ or run it by hand`)),
    );
  });
  return { built: true, ms: Date.now() - started };
}

function scripts(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
}

function buildCommand(clientDir: string): [string, string[], string] {
  const root = path.dirname(clientDir);
  if (scripts(path.join(root, 'package.json'))['build:client']) return ['npm', ['run', 'build:client'], root];
  if (scripts(path.join(clientDir, 'package.json')).build) return ['npm', ['run', 'build'], clientDir];
  return ['npx', ['vite', 'build'], clientDir];
}
