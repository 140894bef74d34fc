import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import tar from 'tar-fs';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { LABELS, engineStatus, withDeadline, withSignal } from './docker.js';

/** The local base every lab image is built FROM (see scenarios/images/*∕Dockerfile). */
export const BASE_IMAGE = 'faultline/base:bookworm';
export const UPSTREAM_BASE = 'debian:bookworm-slim';
export const IMAGE_PREFIX = 'faultline/';

export type Progress = (line: string) => void;

export interface ImageDefinition {
  name: string;
  dir: string;
  /** Other lab images this one is built FROM (built first). */
  dependsOn: string[];
}

export interface ImageMetadata {
  capabilities: string[];
  readyProbe: string | undefined;
}

/** Read the image definitions under scenarios/images: one folder with a Dockerfile each. */
export function discoverImages(imagesDir: string): ImageDefinition[] {
  if (!fs.existsSync(imagesDir)) throw new FaultlineError('not_found', `No images folder at ${imagesDir}`);
  const defs = fs
    .readdirSync(imagesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(imagesDir, d.name, 'Dockerfile')))
    .map((d) => {
      const dockerfile = fs.readFileSync(path.join(imagesDir, d.name, 'Dockerfile'), 'utf8');
      const dependsOn = [...dockerfile.matchAll(/^FROM\s+faultline\/([a-z0-9-]+):latest/gim)].map((m) => m[1] as string);
      return { name: d.name, dir: path.join(imagesDir, d.name), dependsOn };
    });
  return orderByDependencies(defs);
}

function orderByDependencies(defs: ImageDefinition[]): ImageDefinition[] {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const ordered: ImageDefinition[] = [];
  const visiting = new Set<string>();
  const visit = (d: ImageDefinition) => {
    if (ordered.includes(d)) return;
    if (visiting.has(d.name)) throw new FaultlineError('bad_request', `Image ${d.name} depends on itself`);
    visiting.add(d.name);
    for (const dep of d.dependsOn) {
      const def = byName.get(dep);
      if (!def) throw new FaultlineError('not_found', `Image ${d.name} is built FROM faultline/${dep}, which has no folder`);
      visit(def);
    }
    ordered.push(d);
  };
  defs.forEach(visit);
  return ordered;
}

/** Hash of a build context's files, so an image is rebuilt only when its folder changed. */
function hashDirectory(dir: string, hash: crypto.Hash): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    hash.update(entry.name);
    if (entry.isDirectory()) hashDirectory(full, hash);
    else hash.update(fs.readFileSync(full));
  }
}

export class ImageManager {
  private readonly metadata = new Map<string, ImageMetadata>();

  constructor(
    private readonly docker: Docker,
    private readonly imagesDir: string,
    private readonly timeoutMs: number,
  ) {}

  tag(name: string): string {
    return `${IMAGE_PREFIX}${name}:latest`;
  }

  /**
   * Make sure the base and every lab image exist and are current. Prints what it does; rebuilds
   * an image only when its content hash (its folder plus its parents' hashes) changed.
   */
  async ensureAll(progress: Progress): Promise<void> {
    await this.ensureBase(progress);
    const hashes = new Map<string, string>();
    for (const def of discoverImages(this.imagesDir)) {
      const hash = crypto.createHash('sha256');
      hashDirectory(def.dir, hash);
      // Parents count by hash and by image id: a parent rebuilt from the same files (two builds
      // racing) is still a different image, and its children must follow it.
      for (const dep of def.dependsOn) hash.update(`${hashes.get(dep) ?? ''}:${await this.imageId(this.tag(dep))}`);
      const digest = hash.digest('hex').slice(0, 16);
      hashes.set(def.name, digest);
      const current = await this.inspectLabel(this.tag(def.name), LABELS.contentHash);
      if (current === digest) {
        progress(`image ${this.tag(def.name)} is up to date (${digest})`);
        continue;
      }
      progress(`building image ${this.tag(def.name)} (${current ? 'changed' : 'not built yet'})...`);
      const started = Date.now();
      await this.build(def, digest, progress);
      progress(`built ${this.tag(def.name)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    this.metadata.clear();
  }

  /** Capabilities and readiness probe an image declares in its labels (cached per process). */
  async imageMetadata(name: string): Promise<ImageMetadata> {
    const cached = this.metadata.get(name);
    if (cached) return cached;
    const tag = this.tag(name);
    const info = await withDeadline(`inspect image ${tag}`, this.timeoutMs, (abortSignal) =>
      this.docker.getImage(tag).inspect(withSignal(abortSignal)),
    ).catch((err: unknown) => {
      if (engineStatus(err) === 404) {
        throw new FaultlineError('not_found', `Image ${tag} is not built; run \`npm run faultline -- images\` (or \`npm start\`) first`);
      }
      throw err;
    });
    const labels = info.Config?.Labels ?? {};
    const meta: ImageMetadata = {
      capabilities: (labels['faultline.capabilities'] ?? '').split(',').map((c) => c.trim()).filter(Boolean),
      readyProbe: labels['faultline.ready'] || undefined,
    };
    this.metadata.set(name, meta);
    return meta;
  }

  private async imageId(tag: string): Promise<string> {
    return (await this.docker.getImage(tag).inspect()).Id;
  }

  private async inspectLabel(tag: string, label: string): Promise<string | undefined> {
    try {
      const info = await this.docker.getImage(tag).inspect();
      return info.Config?.Labels?.[label] ?? '';
    } catch (err) {
      if (engineStatus(err) === 404) return undefined;
      throw new FaultlineError('docker_failed', `Cannot inspect image ${tag}: ${errorMessage(err)}`, { cause: err });
    }
  }

  private async ensureBase(progress: Progress): Promise<void> {
    if ((await this.inspectLabel(BASE_IMAGE, LABELS.contentHash)) !== undefined) {
      progress(`base image ${BASE_IMAGE} is present`);
      return;
    }
    if (await this.hasImage(UPSTREAM_BASE)) {
      progress(`tagging local ${UPSTREAM_BASE} as ${BASE_IMAGE}`);
      await this.tagUpstream();
      return;
    }
    progress(`pulling ${UPSTREAM_BASE} for the base image...`);
    try {
      await this.pull(UPSTREAM_BASE);
      await this.tagUpstream();
      progress(`base image: pulled ${UPSTREAM_BASE} and tagged it ${BASE_IMAGE}`);
      return;
    } catch (err) {
      progress(`cannot pull ${UPSTREAM_BASE} (${errorMessage(err).split('\n')[0]}); building the base locally with debootstrap`);
    }
    await this.debootstrapBase(progress);
  }

  private async hasImage(tag: string): Promise<boolean> {
    return (await this.inspectLabel(tag, LABELS.contentHash)) !== undefined;
  }

  private async tagUpstream(): Promise<void> {
    const [repo, tag] = BASE_IMAGE.split(':') as [string, string];
    await this.docker.getImage(UPSTREAM_BASE).tag({ repo, tag });
  }

  private async pull(ref: string): Promise<void> {
    const stream = await withDeadline(`pull ${ref}`, 60_000, (abortSignal) =>
      this.docker.pull(ref, withSignal(abortSignal)),
    );
    await new Promise<void>((resolve, reject) =>
      this.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
    );
  }

  /** No registry: bootstrap a minimal Debian from the package mirror and import it. */
  private async debootstrapBase(progress: Progress): Promise<void> {
    const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-rootfs-'));
    const mirror = process.env.FAULTLINE_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
    try {
      progress(`debootstrap --variant=minbase bookworm (about a minute)...`);
      await runCommand('debootstrap', ['--variant=minbase', 'bookworm', rootfs, mirror], progress);
      progress(`importing the root filesystem as ${BASE_IMAGE}...`);
      const [repo, tag] = BASE_IMAGE.split(':') as [string, string];
      const stream = tar.pack(rootfs);
      const importOptions: object = { repo, tag, changes: 'CMD ["bash"]' };
      const result = await this.docker.importImage(stream as unknown as NodeJS.ReadableStream, importOptions);
      await new Promise<void>((resolve, reject) =>
        this.docker.modem.followProgress(result, (err: Error | null) => (err ? reject(err) : resolve())),
      );
      progress(`base image ${BASE_IMAGE} built from Debian packages`);
    } finally {
      fs.rmSync(rootfs, { recursive: true, force: true });
    }
  }

  private async build(def: ImageDefinition, digest: string, progress: Progress): Promise<void> {
    const context = tar.pack(def.dir);
    const stream = await this.docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: this.tag(def.name),
      labels: { [LABELS.contentHash]: digest, [LABELS.managed]: 'true' },
      rm: true,
      forcerm: true,
    });
    await new Promise<void>((resolve, reject) =>
      this.docker.modem.followProgress(
        stream,
        (err: Error | null, output: Array<{ error?: string }>) => {
          const failed = err?.message ?? output.find((o) => o.error)?.error;
          if (failed) reject(new FaultlineError('docker_failed', `Building ${this.tag(def.name)} failed: ${failed}`));
          else resolve();
        },
        (event: { stream?: string }) => {
          const line = event.stream?.trim();
          if (line?.startsWith('Step ')) progress(`  ${def.name}: ${line}`);
        },
      ),
    );
  }
}

function runCommand(cmd: string, args: string[], progress: Progress): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      lines += chunk.toString().split('\n').length - 1;
      if (lines % 50 < 2) progress(`  ${cmd}: ${lines} lines of output so far`);
    });
    child.stderr.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2000)));
    child.on('error', (err) =>
      reject(new FaultlineError('internal', `Cannot run ${cmd} (${err.message}); install it (apt-get install -y ${cmd}) and run as root`)),
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new FaultlineError('internal', `${cmd} exited with ${code}: ${tail.trim()}`)),
    );
  });
}
