import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { DOCKER_API_VERSION } from '../server/src/runtime/docker.js';

/**
 * A Docker engine of the test's own: its own data root, exec root (with its own containerd),
 * pidfile and socket under a temp dir, in a network namespace of its own. The namespace matters:
 * a second dockerd in the host's namespace either shares docker0 with the engine already there or,
 * with --bridge=none, deletes it (moby removes the default bridge in that mode), which breaks
 * every later build on the shared engine. No iptables changes either. Stopped by its pid only;
 * the shared engine is never touched.
 */
export class SecondEngine {
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly dir: string,
    /** Network namespace the daemon runs in (ip netns). */
    readonly netns: string,
  ) {}

  get socket(): string {
    return path.join(this.dir, 'docker.sock');
  }

  /** DOCKER_HOST for a client of this engine. */
  get host(): string {
    return `unix://${this.socket}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  client(): Docker {
    return new Docker({ socketPath: this.socket, version: DOCKER_API_VERSION });
  }

  /** Start an engine in a fresh temp dir (short: unix socket paths are limited to 108 bytes). */
  static async start(): Promise<SecondEngine> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-e2-'));
    const engine = new SecondEngine(dir, path.basename(dir));
    ip(['netns', 'add', engine.netns]);
    ip(['netns', 'exec', engine.netns, 'ip', 'link', 'set', 'lo', 'up']);
    fs.writeFileSync(path.join(engine.dir, 'daemon.json'), '{}\n');
    await engine.run();
    return engine;
  }

  /** (Re)start the daemon on the same data root. */
  async run(): Promise<void> {
    const d = this.dir;
    this.log = '';
    // nsenter enters only the network namespace (`ip netns exec` also remounts /sys, which hides
    // the cgroup mounts dockerd needs) and execs dockerd, so the child's pid is the daemon's.
    const child = spawn(
      'nsenter',
      [
        `--net=/run/netns/${this.netns}`,
        'dockerd',
        `--config-file=${path.join(d, 'daemon.json')}`,
        `--data-root=${path.join(d, 'data')}`,
        `--exec-root=${path.join(d, 'exec')}`,
        `--pidfile=${path.join(d, 'docker.pid')}`,
        `--host=${this.host}`,
        '--iptables=false',
        '--ip-masq=false',
        '--cgroup-parent=/faultline-second-engine',
        '--log-level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (c: Buffer) => (this.log = (this.log + c.toString()).slice(-8192)));
    child.stderr?.on('data', (c: Buffer) => (this.log = (this.log + c.toString()).slice(-8192)));
    this.child = child;
    const docker = this.client();
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the second engine exited with ${child.exitCode}: ${this.log}`);
      try {
        await docker.ping();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`the second engine did not answer within 60 s: ${this.log}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Stop the daemon by its pid (SIGTERM: it stops its containers, as a package upgrade would). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    process.kill(child.pid as number, 'SIGTERM');
    await exited;
    this.child = undefined;
  }

  /** Copy images from the shared engine: `docker save | docker load`, no registry. */
  async loadImages(images: string[]): Promise<void> {
    const child = spawn('bash', ['-o', 'pipefail', '-c', `docker save ${images.join(' ')} | docker -H ${this.host} load -q`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DOCKER_HOST: '' },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    if (code !== 0) throw new Error(`copying ${images.join(', ')} into the second engine failed (${code}): ${out}`);
  }

  /** Stop the daemon, remove its network namespace and its directory (unless something is still mounted under it). */
  async destroy(): Promise<void> {
    await this.stop();
    ip(['netns', 'del', this.netns]);
    const mounts = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.split(' ')[1]?.startsWith(this.dir));
    if (mounts.length > 0) throw new Error(`the second engine left mounts under ${this.dir}: ${mounts.join('; ')}`);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
}
