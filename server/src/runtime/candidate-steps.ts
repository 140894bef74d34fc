import { FaultlineError } from '../errors/index.js';
import type { RenderedHost, RenderedStep } from '../scenarios/render.js';
import type { Environment, EnvironmentRuntime } from './environments.js';

/**
 * Steps applied the way a candidate would apply them: typed into a root shell on the terminal
 * host, reaching every other host with `ssh`. The reference solve goes this way, so a fix that
 * needs something a candidate does not have (an engine exec into a host sshd refuses) fails its
 * proof instead of passing unnoticed. The fault's setup stays on the engine path.
 */

/** What the terminal host needs from the runtime: a script run there as root (`bash -s`). */
export type TerminalExec = Pick<EnvironmentRuntime, 'exec'>;

/** Batch mode: a key that is refused must fail at once, not wait at a password prompt. */
const SSH = 'ssh -o BatchMode=yes -o ConnectTimeout=5';
/** Time allowed on top of a step's own deadline for ssh to connect and authenticate. */
const SSH_SLACK_SECONDS = 10;
/** Deadline of a copy step (copy steps declare none) and of one reachability probe. */
const COPY_TIMEOUT_SECONDS = 60;
const PROBE_TIMEOUT_SECONDS = 20;

export interface CandidateCommand {
  /** The script run by `bash -s` on the terminal host. */
  script: string;
  timeoutSeconds: number;
  /** What a candidate would have typed, for error messages. */
  typed: string;
}

/** Quote a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The name a candidate types for a host: its short host name, the one the lab writes into every
 * host's /etc/hosts (runtime/environments.ts).
 */
function addressOf(hosts: RenderedHost[], name: string): string {
  const host = hosts.find((h) => h.name === name);
  if (!host) throw new FaultlineError('not_found', `No host "${name}" in this scenario`);
  return host.hostname.split('.')[0] as string;
}

/**
 * Turn a step into what runs on the terminal host. A run step on another host becomes
 * `exec ssh <host> bash -s` followed by the step's script: bash reads a script from a pipe one
 * byte at a time, so ssh inherits the rest of stdin and the script reaches the host on stdin,
 * never on a disk or in a process list. A copy step becomes `ssh A cat <from> | ssh B 'cat > <to>'`.
 */
export function candidateCommand(step: RenderedStep, terminal: string, hosts: RenderedHost[]): CandidateCommand {
  if (step.kind === 'run') {
    const body = `set -e\n${step.script}`;
    if (step.host === terminal) return { script: body, timeoutSeconds: step.timeoutSeconds, typed: 'bash -s' };
    const ssh = `${SSH} ${shellQuote(addressOf(hosts, step.host))} bash -s`;
    return { script: `exec ${ssh}\n${body}`, timeoutSeconds: step.timeoutSeconds + SSH_SLACK_SECONDS, typed: ssh };
  }
  const read = `cat -- ${shellQuote(step.from)}`;
  const write = `mkdir -p -- "$(dirname -- ${shellQuote(step.to)})" && cat > ${shellQuote(step.to)}`;
  // -n: the reading ssh must not take the rest of this script from stdin as input for its host.
  const reader = step.fromHost === terminal ? read : `${SSH} -n ${shellQuote(addressOf(hosts, step.fromHost))} ${shellQuote(read)}`;
  const writer = step.toHost === terminal ? `sh -c ${shellQuote(write)}` : `${SSH} ${shellQuote(addressOf(hosts, step.toHost))} ${shellQuote(write)}`;
  const typed = `${reader} | ${writer}`;
  return { script: `set -e -o pipefail\n${typed}`, timeoutSeconds: COPY_TIMEOUT_SECONDS, typed };
}

export interface Unreachable {
  host: string;
  /** What ssh said. */
  reason: string;
}

/**
 * Which of these hosts the terminal host cannot reach with `ssh <host> true` (key login, batch
 * mode). One script on the terminal host tries them in turn.
 */
export async function unreachableHosts(runtime: TerminalExec, env: Environment, hosts: RenderedHost[], names: string[]): Promise<Unreachable[]> {
  const targets = names.filter((n) => n !== env.terminalHost);
  if (targets.length === 0) return [];
  // LogLevel INFO: the lab's ssh_config says ERROR, which hides why a connection was reset.
  const lines = targets.map((name) => {
    const address = shellQuote(addressOf(hosts, name));
    return `out=$(${SSH} -o LogLevel=INFO -n ${address} true 2>&1) || printf 'unreachable %s exit %s: %s\\n' ${shellQuote(name)} $? "$(printf '%s' "$out" | tr -s '\\r\\n' '  ')"`;
  });
  const result = await runtime.exec(env, env.terminalHost, lines.join('\n'), PROBE_TIMEOUT_SECONDS * targets.length);
  if (result.timedOut) {
    throw new FaultlineError('timeout', `Trying \`ssh <host> true\` from ${env.terminalHost} to ${targets.join(', ')} did not finish in time`);
  }
  const found: Unreachable[] = [];
  for (const line of result.output.split('\n')) {
    const match = /^unreachable (\S+) exit (\d+): (.*)$/.exec(line.trimEnd());
    if (match) found.push({ host: match[1] as string, reason: (match[3] as string).trim() || `ssh exited with ${match[2]} without saying why` });
  }
  return found;
}

export function unreachableMessage(terminal: string, u: Unreachable): string {
  return `from ${terminal}, the candidate could not reach host ${u.host} by ssh: ${u.reason}`;
}

/**
 * Run steps in order as a candidate on the terminal host. Each host is tried with ssh before
 * its first step, so a host a candidate cannot reach is named as such rather than as a failed
 * script. The first failing step stops the run with its output.
 */
export async function runCandidateSteps(runtime: TerminalExec, env: Environment, hosts: RenderedHost[], steps: RenderedStep[]): Promise<void> {
  const terminal = env.terminalHost;
  if (!terminal) throw new FaultlineError('not_found', `Environment ${env.id} has no terminal host to apply steps from`);
  const reached = new Set([terminal]);
  for (const step of steps) {
    const needed = (step.kind === 'run' ? [step.host] : [step.fromHost, step.toHost]).filter((h) => !reached.has(h));
    const refused = await unreachableHosts(runtime, env, hosts, [...new Set(needed)]);
    if (refused[0]) throw new FaultlineError('environment_failed', `${step.label}: ${unreachableMessage(terminal, refused[0])}`);
    for (const h of needed) reached.add(h);
    const command = candidateCommand(step, terminal, hosts);
    const result = await runtime.exec(env, terminal, command.script, command.timeoutSeconds);
    if (result.exitCode !== 0) {
      throw new FaultlineError(
        'environment_failed',
        `${step.label}, typed on ${terminal} as \`${command.typed}\`, exited with ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}: ${result.output.trim().slice(-800)}`,
      );
    }
  }
}
