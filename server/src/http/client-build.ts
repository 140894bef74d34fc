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
 * Build the web client when client/dist is missing or older than client/src (or its config).
 * The client's own `build` script is used when it has one, else `npx vite build`.
 */
export async function buildClientIfStale(clientDir: string, say: (line: string) => void): Promise<ClientBuildResult> {
  const config = VITE_CONFIGS.find((f) => fs.existsSync(path.join(clientDir, f)));
  if (!config) return { built: false, reason: `${clientDir} has no vite config yet; serving without a built client` };
  const index = path.join(clientDir, 'dist', 'index.html');
  const src = path.join(clientDir, 'src');
  const sourceTime = Math.max(fs.existsSync(src) ? newestMtime(src) : 0, fs.statSync(path.join(clientDir, config)).mtimeMs);
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sourceTime) return { built: false, reason: 'client/dist is up to date' };
  const pkgFile = path.join(clientDir, 'package.json');
  const scripts = fs.existsSync(pkgFile) ? ((JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {}) : {};
  const [cmd, args] = scripts.build ? ['npm', ['run', 'build']] : ['npx', ['vite', 'build']];
  say(`building the web client (${cmd} ${args.join(' ')} in ${clientDir})...`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: clientDir, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (err) => reject(new FaultlineError('internal', `Cannot run ${cmd}: ${err.message}`)));
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new FaultlineError('internal', `Building the web client failed (${cmd} ${args.join(' ')} exited ${code}); fix client/ or run it by hand`)),
    );
  });
  return { built: true, ms: Date.now() - started };
}
