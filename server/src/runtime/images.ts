import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import tar from 'tar-fs';
import type { ImageSettings } from '../config/index.js';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { debootstrapBaseImage, type Progress } from './base-image.js';
import { LABELS, engineStatus, followEngineStream, withDeadline, withSignal } from './docker.js';

export type { Progress } from './base-image.js';

export const UPSTREAM_BASE = 'debian:bookworm-slim';
/**
 * Build argument every lab Dockerfile names its parents by (`FROM ${FAULTLINE_IMAGES}/tools:latest`),
 * so one set of Dockerfiles builds under any image namespace.
 */
export const NAMESPACE_ARG = 'FAULTLINE_IMAGES';

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
      const dependsOn = [...dockerfile.matchAll(/^FROM\s+\$\{FAULTLINE_IMAGES\}\/([a-z0-9-]+):latest/gim)].map((m) => m[1] as string);
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
      if (!def) throw new FaultlineError('not_found', `Image ${d.name} is built FROM ${NAMESPACE_ARG}/${dep}, which has no folder`);
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
    private readonly settings: ImageSettings,
  ) {}

  tag(name: string): string {
    return `${this.settings.namespace}/${name}:latest`;
  }

  /** The local base every lab image is built FROM (see scenarios/images/*∕Dockerfile). */
  get baseImage(): string {
    return `${this.settings.namespace}/base:bookworm`;
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
    const base = this.baseImage;
    if (await this.hasImage(base)) {
      progress(`base image ${base} is present`);
      return;
    }
    const source = this.settings.baseSource;
    if (source !== 'debootstrap') {
      if (await this.hasImage(UPSTREAM_BASE)) {
        progress(`base image: tagging the local ${UPSTREAM_BASE} as ${base}`);
        await this.tagUpstream();
        return;
      }
      progress(`base image: pulling ${UPSTREAM_BASE}...`);
      try {
        await this.pull(UPSTREAM_BASE);
        await this.tagUpstream();
        progress(`base image: pulled ${UPSTREAM_BASE} and tagged it ${base}`);
        return;
      } catch (err) {
        const why = errorMessage(err).split('\n')[0];
        if (source === 'pull') {
          throw new FaultlineError('docker_failed', `Cannot pull ${UPSTREAM_BASE} for the base image (${why}); set FAULTLINE_BASE_IMAGE_SOURCE=auto to build it with debootstrap instead`, { cause: err });
        }
        progress(`base image: cannot pull ${UPSTREAM_BASE} (${why}); building it locally with debootstrap instead`);
      }
    }
    const started = Date.now();
    await debootstrapBaseImage(this.docker, base, this.settings.debianMirror, progress);
    progress(`base image ${base} built from Debian packages in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }

  private async hasImage(tag: string): Promise<boolean> {
    return (await this.inspectLabel(tag, LABELS.contentHash)) !== undefined;
  }

  private async tagUpstream(): Promise<void> {
    const [repo, tag] = this.baseImage.split(':') as [string, string];
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

  private async build(def: ImageDefinition, digest: string, progress: Progress): Promise<void> {
    const context = tar.pack(def.dir);
    const stream = await this.docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: this.tag(def.name),
      labels: { [LABELS.contentHash]: digest, [LABELS.managed]: 'true' },
      buildargs: { [NAMESPACE_ARG]: this.settings.namespace },
      rm: true,
      forcerm: true,
    });
    await followEngineStream(this.docker, stream, (line) => progress(`  ${def.name}: ${line}`)).catch((err: unknown) => {
      throw new FaultlineError('docker_failed', `Building ${this.tag(def.name)} failed: ${errorMessage(err)}`, { cause: err });
    });
  }
}
