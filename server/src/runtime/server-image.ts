import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import tar from 'tar-fs';
import { FaultlineError, errorMessage } from '../errors/index.js';
import type { Progress } from './base-image.js';
import { LABELS, followEngineStream } from './docker.js';

/** What the server image carries from the repository, next to Node and the dependencies. */
const APP_PATHS = ['package.json', 'package-lock.json', 'tsconfig.json', 'server', 'scenarios', path.join('client', 'dist')];

/** Compiler output better-sqlite3 leaves behind; the image needs only the addon itself. */
const BUILD_LEFTOVERS = /node_modules\/better-sqlite3\/(deps|src|build\/(?!Release(\/better_sqlite3\.node)?$).*)$/;

export interface ServerImageOptions {
  /** The repository: its server/Dockerfile, sources, built client and installed node_modules. */
  root: string;
  tag: string;
  baseImage: string;
  progress: Progress;
}

/**
 * Build the server image with nothing fetched during the build: the Node binary that runs this
 * process, the production dependencies already installed here (better-sqlite3 compiled against
 * that same Node), the sources and the built web client are staged into a build context and
 * copied FROM the lab's base image. A fetch inside the build (Debian's npm package alone is 422
 * packages) made a cold build take 15-20 minutes; staging takes seconds.
 */
export async function buildServerImage(docker: Docker, opts: ServerImageOptions): Promise<void> {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-server-image-'));
  try {
    opts.progress('staging Node, production dependencies, sources and the web client...');
    stage(opts.root, context);
    opts.progress(`building ${opts.tag} FROM ${opts.baseImage}...`);
    const stream = await docker.buildImage(tar.pack(context) as unknown as NodeJS.ReadableStream, {
      t: opts.tag,
      buildargs: { BASE_IMAGE: opts.baseImage },
      labels: { [LABELS.managed]: 'true' },
      rm: true,
      forcerm: true,
    });
    await followEngineStream(docker, stream, (line) => opts.progress(`  ${line}`)).catch((err: unknown) => {
      throw new FaultlineError('docker_failed', `Building the server image ${opts.tag} failed: ${errorMessage(err)}`, { cause: err });
    });
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}

function stage(root: string, context: string): void {
  fs.copyFileSync(path.join(root, 'server', 'Dockerfile'), path.join(context, 'Dockerfile'));
  fs.copyFileSync(fs.realpathSync(process.execPath), path.join(context, 'node'));
  for (const rel of APP_PATHS) {
    const from = path.join(root, rel);
    if (!fs.existsSync(from)) {
      throw new FaultlineError('not_found', `${from} is missing; the server image needs it (for client/dist: npm run build:client)`);
    }
    fs.cpSync(from, path.join(context, 'app', rel), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  }
  for (const dir of productionPackages(root)) {
    fs.cpSync(dir, path.join(context, 'app', path.relative(root, dir)), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (src) => !BUILD_LEFTOVERS.test(src),
    });
  }
}

/** Top-level package folders of the production dependency tree (nested ones come with them). */
function productionPackages(root: string): string[] {
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (listed.status !== 0) {
    throw new FaultlineError('internal', `npm ls failed in ${root} (${listed.stderr.trim() || listed.error?.message}); run npm ci first`);
  }
  const top = path.join(root, 'node_modules');
  return listed.stdout
    .split('\n')
    .filter((p) => p.startsWith(top + path.sep))
    .filter((p) => {
      const parts = path.relative(top, p).split(path.sep);
      return parts.length === 1 || (parts.length === 2 && parts[0]!.startsWith('@'));
    });
}
