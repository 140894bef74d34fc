import crypto from 'node:crypto';
import type Docker from 'dockerode';
import tarStream from 'tar-stream';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { CHECKER_HOST } from '../scenarios/schema.js';
import type { RenderedFile, RenderedHost, RenderedScenario, RenderedStateRead } from '../scenarios/render.js';
import { packFiles } from './containers.js';
import { withDeadline, withSignal } from './docker.js';
import { runScript } from './exec.js';

/**
 * The checker: one container per environment from which every counted check runs. The candidate
 * has no shell there (no sshd, no key, no name in any hosts file or zone of the lab), it accepts
 * no inbound connection, its neighbours' link addresses are pinned, and its tools, trust anchors
 * and the key that tells the real app from an imitation are its own.
 */
export const CHECKER_IMAGE = 'checker';

/** Per-environment key the lab app signs challenges with (scenarios/images/app/app.py). */
export const PROOF_KEY_PATH = '/etc/faultline/proof.key';
/** Image whose hosts get the proof key. */
const APP_IMAGE = 'app';

const STATE_ROOT = '/run/faultline/state';
const CHECK_LIB = '/usr/local/lib/faultline/check-lib.sh';
/** A state read larger than this (a file, or a folder's files together) is refused: a candidate could grow any file. */
const MAX_STATE_BYTES = 1024 * 1024;
/** A folder read copies at most this many files: a candidate could fill any folder. */
const MAX_STATE_FILES = 512;

export function newProofKey(): string {
  return crypto.randomBytes(32).toString('hex');
}

/** The proof key as a file for a host, if the host runs the lab app. */
export function proofKeyFiles(host: Pick<RenderedHost, 'image'>, proofKey: string): RenderedFile[] {
  return host.image === APP_IMAGE || host.image === CHECKER_IMAGE
    ? [{ path: PROOF_KEY_PATH, mode: 0o400, content: Buffer.from(`${proofKey}\n`) }]
    : [];
}

/** The checker as a host the container factory understands: no terminal, no readiness line. */
export function checkerHost(rendered: RenderedScenario): RenderedHost {
  return {
    name: CHECKER_HOST,
    image: CHECKER_IMAGE,
    hostname: CHECKER_HOST,
    ip: rendered.checker.ip,
    terminal: false,
    dnsServer: rendered.checker.dnsServer,
    searchDomains: rendered.checker.searchDomains,
    capabilities: [],
    files: [],
    env: {},
    sysctls: {},
    waitReady: false,
    memoryMb: undefined,
  };
}

/**
 * Close the checker: drop every inbound connection it did not open, and pin the link address of
 * each lab host, so a host with NET_RAW cannot answer ARP for a neighbour and take its traffic.
 * Run after the hosts are up and again whenever any of them (or the checker) started again.
 */
export async function sealChecker(
  docker: Docker,
  containers: Record<string, string>,
  networkName: string,
  hosts: RenderedHost[],
  timeoutMs: number,
): Promise<void> {
  const checkerId = containers[CHECKER_HOST];
  if (!checkerId) throw new FaultlineError('not_found', 'the environment has no checker');
  const neighbours = await Promise.all(
    hosts.map(async (host) => {
      const id = containers[host.name];
      if (!id) throw new FaultlineError('not_found', `the environment has no container for ${host.name}`);
      const info = await withDeadline(`inspect ${host.name}`, timeoutMs, (abortSignal) => docker.getContainer(id).inspect(withSignal(abortSignal)));
      const mac = info.NetworkSettings.Networks[networkName]?.MacAddress;
      if (!mac) throw new FaultlineError('docker_failed', `${host.name} has no link address on ${networkName}`);
      return { ip: host.ip, mac };
    }),
  );
  const script = [
    'set -e',
    `dev=$(ip -o -4 addr show | awk '$4 ~ /\\/24$/ { print $2; exit }')`,
    '[ -n "$dev" ] || { echo "the checker has no lab interface"; exit 1; }',
    'iptables -F INPUT',
    'iptables -A INPUT -i lo -j ACCEPT',
    'iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    'iptables -P INPUT DROP',
    ...neighbours.map((n) => `ip neigh replace ${n.ip} lladdr ${n.mac} dev "$dev" nud permanent`),
  ].join('\n');
  const result = await runScript(docker, checkerId, script, { timeoutSeconds: 20 });
  if (result.exitCode !== 0) {
    throw new FaultlineError('environment_failed', `could not close the checker: ${result.output.trim().slice(-400)}`);
  }
}

/** What the checker runs for a check: the shared helper, then the scenario's script. */
export function checkerScript(script: string): string {
  return `. ${CHECK_LIB}\n${script}`;
}

/**
 * Copy the state a check declares from the hosts the candidate controls into a fresh folder on
 * the checker, through the engine only: files with the archive API, processes from the engine's
 * process list. Returns that folder, for the check's $FL_STATE.
 */
export async function readStateIntoChecker(
  docker: Docker,
  containers: Record<string, string>,
  checkId: string,
  reads: RenderedStateRead[],
  timeoutMs: number,
): Promise<string> {
  const dir = `${STATE_ROOT}/${checkId}/${crypto.randomBytes(6).toString('hex')}`;
  const files: RenderedFile[] = [];
  for (const read of reads) {
    const id = containers[read.host];
    if (!id) throw new FaultlineError('not_found', `the environment has no host ${read.host}`);
    if ('path' in read) {
      for (const found of await readPath(docker, id, read, timeoutMs)) {
        // The host's mtime travels with the copy, so a check can tell a stale state file.
        files.push({ path: `${dir}/${read.host}${read.path}${found.under}`, mode: 0o644, content: found.content, mtime: found.mtime });
      }
    } else {
      files.push({ path: `${dir}/${read.host}/processes`, mode: 0o644, content: Buffer.from(await processList(docker, id, read.host, timeoutMs)) });
    }
  }
  // The folder exists even when nothing was read, so a check can tell "absent" from "not copied".
  files.push({ path: `${dir}/.read`, mode: 0o644, content: Buffer.from('') });
  const archive = await packFiles(files);
  await withDeadline('copy host state to the checker', timeoutMs, (abortSignal) =>
    docker.getContainer(containers[CHECKER_HOST] as string).putArchive(archive, withSignal(abortSignal, { path: '/' })),
  );
  return dir;
}

/**
 * A host's regular file at a path, or every regular file under a folder there (`under` is the
 * file's place below that folder, "" for the file itself), each with its mtime. Nothing when the
 * path does not exist or is something else (a symbolic link is not followed).
 */
async function readPath(
  docker: Docker,
  containerId: string,
  read: { host: string; path: string },
  timeoutMs: number,
): Promise<{ under: string; content: Buffer; mtime: Date | undefined }[]> {
  return withDeadline(`read ${read.path} on ${read.host}`, timeoutMs, async (abortSignal) => {
    let archive: NodeJS.ReadableStream;
    try {
      archive = (await docker.getContainer(containerId).getArchive(withSignal(abortSignal, { path: read.path }))) as NodeJS.ReadableStream;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return [];
      throw new FaultlineError('docker_failed', `could not read ${read.path} on ${read.host}: ${errorMessage(err)}`, { cause: err });
    }
    const refuse = (why: string): never => {
      (archive as unknown as { destroy?: () => void }).destroy?.();
      throw new FaultlineError('payload_too_large', `${read.path} on ${read.host} ${why}; the check does not read it`);
    };
    const extract = tarStream.extract();
    archive.pipe(extract as unknown as NodeJS.WritableStream);
    const found: { under: string; content: Buffer; mtime: Date | undefined }[] = [];
    let folder: boolean | undefined;
    let total = 0;
    for await (const entry of extract) {
      // The engine names entries after the path's last element: "x.conf", or "certs/" then "certs/a.crt".
      const parts = entry.header.name.split('/').filter(Boolean);
      folder ??= entry.header.type === 'directory';
      if (entry.header.type !== 'file' || (folder ? parts.length < 2 : parts.length !== 1) || parts.some((p) => p === '..' || p === '.')) {
        entry.resume();
        continue;
      }
      total += entry.header.size ?? 0;
      if (total > MAX_STATE_BYTES) refuse(folder ? `holds more than ${MAX_STATE_BYTES} bytes of files` : `is larger than ${MAX_STATE_BYTES} bytes`);
      if (found.length >= MAX_STATE_FILES) refuse(`holds more than ${MAX_STATE_FILES} files`);
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      found.push({ under: folder ? `/${parts.slice(1).join('/')}` : '', content: Buffer.concat(chunks), mtime: entry.header.mtime });
      if (!folder) break;
    }
    return found;
  });
}

async function processList(docker: Docker, containerId: string, host: string, timeoutMs: number): Promise<string> {
  const top = await withDeadline(`list the processes of ${host}`, timeoutMs, (abortSignal) =>
    docker.getContainer(containerId).top(withSignal(abortSignal, { ps_args: '-eo pid,user,args' })),
  );
  const rows = (top as { Processes?: string[][] }).Processes ?? [];
  return rows.map((r) => r.join(' ')).join('\n') + '\n';
}
