import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { followEngineStream } from './docker.js';

export type Progress = (line: string) => void;

/** How often a long step (debootstrap, import) reports where it is. */
const PROGRESS_EVERY_MS = 5000;

/**
 * Counts what debootstrap reports per package (`I: Retrieving libc6 2.36-9`, `I: Unpacking ...`,
 * `I: Configuring ...`) so progress reads "retrieved 52, unpacked 30, configured 12 packages"
 * instead of a line count. Phase lines that are not per package are passed on as they are.
 */
const PER_PACKAGE = {
  Retrieving: 'retrieved',
  Validating: 'validated',
  Extracting: 'extracted',
  Unpacking: 'unpacked',
  Configuring: 'configured',
} as const;

export class DebootstrapProgress {
  private readonly counts = { retrieved: 0, validated: 0, extracted: 0, unpacked: 0, configured: 0 };
  private phase = 'starting';
  private partial = '';

  feed(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line.trim());
  }

  private line(line: string): void {
    // Per package: "Retrieving <name> <version>", "Unpacking <name>..."; phase lines have more words.
    const m =
      /^I: (Retrieving|Validating) ([a-z0-9][a-z0-9+.:-]*) \S+$/.exec(line) ??
      /^I: (Extracting|Unpacking|Configuring) ([a-z0-9][a-z0-9+.:-]*?)\.\.\.$/.exec(line);
    if (m) {
      this.counts[PER_PACKAGE[m[1] as keyof typeof PER_PACKAGE]] += 1;
      this.phase = `${m[1]!.toLowerCase()} packages`;
    } else if (line.startsWith('I: ')) {
      this.phase = line.slice(3).replace(/\.+$/, '').toLowerCase();
    }
  }

  summary(): string {
    const c = this.counts;
    return `${this.phase}: retrieved ${c.retrieved}, extracted ${c.extracted}, unpacked ${c.unpacked}, configured ${c.configured} packages`;
  }
}

/**
 * No registry: bootstrap a minimal Debian bookworm from the package mirror and import it as
 * `tag`. The root filesystem holds device nodes (dev/null, dev/console), which only a real tar
 * packs, so the import streams GNU tar's output rather than a JavaScript packer.
 */
export async function debootstrapBaseImage(docker: Docker, tag: string, mirror: string | undefined, progress: Progress): Promise<void> {
  const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-rootfs-'));
  try {
    progress('debootstrap --variant=minbase bookworm: about a minute on a fast mirror');
    const counter = new DebootstrapProgress();
    await runReporting('debootstrap', ['--variant=minbase', 'bookworm', rootfs, ...(mirror ? [mirror] : [])], progress, counter);
    progress(`importing the root filesystem as ${tag}...`);
    await importRootfs(docker, rootfs, tag);
  } catch (err) {
    throw new FaultlineError(
      'docker_failed',
      `Building the base image ${tag} with debootstrap failed: ${errorMessage(err)}. Every lab image is built FROM it; ` +
        'check that debootstrap is installed (apt-get install debootstrap), that this runs as root, and that the Debian mirror answers ' +
        '(FAULTLINE_DEBIAN_MIRROR), then run `npm run faultline -- images` again.',
      { cause: err },
    );
  } finally {
    fs.rmSync(rootfs, { recursive: true, force: true });
  }
}

async function importRootfs(docker: Docker, rootfs: string, tag: string): Promise<void> {
  const [repo, version] = tag.split(':') as [string, string];
  const tarProcess = spawn('tar', ['-C', rootfs, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tarError = '';
  tarProcess.stderr.on('data', (c: Buffer) => (tarError = (tarError + c.toString()).slice(-2000)));
  const tarDone = new Promise<void>((resolve, reject) => {
    tarProcess.on('error', (err) => reject(new Error(`cannot run tar: ${err.message}`)));
    tarProcess.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with ${code}: ${tarError.trim()}`))));
  });
  const result = await docker.importImage(tarProcess.stdout, { repo, tag: version, changes: 'CMD ["bash"]' } as object);
  const imported = followEngineStream(docker, result).catch((err: unknown) => {
    throw new Error(`the engine refused the import: ${errorMessage(err)}`);
  });
  await Promise.all([tarDone, imported]);
}

/** Run a command, printing the counter's summary every few seconds; the error carries its stderr. */
function runReporting(cmd: string, args: string[], progress: Progress, counter: DebootstrapProgress): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const timer = setInterval(() => progress(`  ${cmd} ${Math.round((Date.now() - started) / 1000)} s: ${counter.summary()}`), PROGRESS_EVERY_MS);
    // debootstrap writes its "I:" lines to stderr; read both streams the same way.
    const read = (chunk: Buffer) => {
      counter.feed(chunk.toString());
      tail = (tail + chunk.toString()).slice(-2000);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new Error(`cannot run ${cmd} (${err.message})`));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) {
        progress(`  ${cmd} done in ${Math.round((Date.now() - started) / 1000)} s: ${counter.summary()}`);
        resolve();
      } else reject(new Error(`${cmd} exited with ${code}: ${tail.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}
