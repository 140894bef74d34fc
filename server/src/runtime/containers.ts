import type Docker from 'dockerode';
import tarStream from 'tar-stream';
import { FaultlineError } from '../errors/index.js';
import type { RenderedFile, RenderedHost } from '../scenarios/render.js';
import { LABELS, withDeadline, withSignal } from './docker.js';
import type { ImageManager } from './images.js';
import { BRIDGE_PREFIX } from './network.js';

export interface Limits {
  memoryMb: number;
  cpus: number;
  pids: number;
  /** Largest file one process may write (RLIMIT_FSIZE). */
  fileMb: number;
  /** Writable-layer size per environment above which the disk watchdog reports it. */
  diskMb: number;
}

/**
 * CFS periods; the quota is FAULTLINE_HOST_CPUS of the period, so the average stays capped either
 * way. Servers get a long period: what they mostly do is short bursts (a check, a service
 * starting), which then run at full speed instead of being throttled every 100 ms. The terminal
 * host keeps the engine's default: when a candidate runs something CPU-bound there, a long period
 * would freeze their shell for up to half of it (Ctrl-C during `yes` took up to 340 ms).
 */
const SERVER_CPU_PERIOD_US = 500_000;
const TERMINAL_CPU_PERIOD_US = 100_000;

/** Where lab-init (scenarios/images/tools/lab-init) finds its boot files. */
const BOOT_DIR = '/run/faultline';

export interface ContainerContext {
  docker: Docker;
  images: ImageManager;
  limits: Limits;
  timeoutMs: number;
}

/**
 * Create one host's container, hardened and labelled, with its files copied in before it starts
 * (the runtime's: ssh keys, the proof key; boot files; then the scenario's own). Returns the container id.
 */
export async function createHostContainer(
  ctx: ContainerContext,
  envId: string,
  host: RenderedHost,
  labels: Record<string, string>,
  runtimeFiles: RenderedFile[],
  hostsLines: string[],
): Promise<string> {
  const meta = await ctx.images.imageMetadata(host.image);
  const { limits } = ctx;
  const memory = (host.memoryMb ?? limits.memoryMb) * 1024 * 1024;
  const [shortName, ...domain] = host.hostname.split('.');
  const cpuPeriod = host.terminal ? TERMINAL_CPU_PERIOD_US : SERVER_CPU_PERIOD_US;
  const network = `${BRIDGE_PREFIX}${envId}`;
  const container = await withDeadline(`create container for ${host.name}`, ctx.timeoutMs, (abortSignal) =>
    ctx.docker.createContainer({
      name: `${BRIDGE_PREFIX}${envId}-${host.name}`,
      Image: ctx.images.tag(host.image),
      Hostname: shortName,
      Domainname: domain.join('.'),
      Env: Object.entries(host.env).map(([k, v]) => `${k}=${v}`),
      Labels: { ...labels, [LABELS.host]: host.name },
      StopTimeout: 1,
      HostConfig: {
        NetworkMode: network,
        Init: true,
        Privileged: false,
        CapDrop: ['ALL'],
        CapAdd: [...new Set([...meta.capabilities, ...host.capabilities])],
        SecurityOpt: ['no-new-privileges:true'],
        PidsLimit: limits.pids,
        Memory: memory,
        MemorySwap: memory,
        CpuPeriod: cpuPeriod,
        CpuQuota: Math.round(cpuPeriod * limits.cpus),
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
        // No disk quotas on overlay2/ext4: bound each file here, and the total with diskUsage().
        Ulimits: [{ Name: 'fsize', Soft: limits.fileMb * 1024 * 1024, Hard: limits.fileMb * 1024 * 1024 }],
        RestartPolicy: { Name: 'no' },
        // Embedded DNS forwards only to the scenario's server, never to the host's resolvers.
        Dns: [host.dnsServer ?? '127.0.0.1'],
        Sysctls: {
          'net.ipv4.ping_group_range': '0 2147483647',
          'net.ipv4.ip_unprivileged_port_start': '0',
          ...host.sysctls,
        },
      },
      NetworkingConfig: { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: host.ip } } } },
      abortSignal,
    } as Docker.ContainerCreateOptions),
  );
  const readyProbe = host.waitReady ? meta.readyProbe : undefined;
  // The scenario's own files come last, so a scenario may still ship its own ssh setup.
  const archive = await packFiles([...runtimeFiles, ...bootFiles(host, hostsLines, readyProbe), ...host.files]);
  await withDeadline(`copy files into ${host.name}`, ctx.timeoutMs, (abortSignal) =>
    container.putArchive(archive, withSignal(abortSignal, { path: '/' })),
  );
  return container.id;
}

/**
 * What lab-init installs at boot: the resolver and lab host names (Docker bind-mounts
 * /etc/resolv.conf and /etc/hosts when the container starts, so they cannot be copied in before),
 * and the readiness probe it runs before reporting the host ready.
 */
function bootFiles(host: RenderedHost, hostsLines: string[], readyProbe: string | undefined): RenderedFile[] {
  const resolv = [
    ...(host.searchDomains.length > 0 ? [`search ${host.searchDomains.join(' ')}`] : []),
    ...(host.dnsServer ? [`nameserver ${host.dnsServer}`] : []),
    'options timeout:2 attempts:2',
  ];
  return [
    { path: `${BOOT_DIR}/resolv.conf`, mode: 0o644, content: Buffer.from(`${resolv.join('\n')}\n`) },
    { path: `${BOOT_DIR}/hosts`, mode: 0o644, content: Buffer.from(`# lab hosts\n${hostsLines.join('\n')}\n`) },
    ...(readyProbe ? [{ path: `${BOOT_DIR}/ready-probe`, mode: 0o644, content: Buffer.from(`${readyProbe}\n`) }] : []),
  ];
}

export async function packFiles(files: RenderedFile[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const f of files) {
    pack.entry({ name: f.path.replace(/^\/+/, ''), mode: f.mode, mtime: f.mtime ?? new Date() }, f.content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function readSingleFile(archive: NodeJS.ReadableStream): Promise<Buffer> {
  const extract = tarStream.extract();
  archive.pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.type === 'file') return Buffer.concat(chunks);
  }
  throw new FaultlineError('not_found', 'the copied path is not a regular file');
}
