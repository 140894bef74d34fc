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
/** Deadline of a copy step (copy steps declare none). */
const COPY_TIMEOUT_SECONDS = 60;

/**
 * First line a remote step prints on its host: without it in the output, ssh never got the
 * script there, so the host could not be reached (rather than the script failing).
 */
export const CONNECTED_MARKER = 'faultline: connected';

export interface CandidateCommand {
  /** The script run by `bash -s` on the terminal host. */
  script: string;
  timeoutSeconds: number;
  /** What a candidate would have typed, for error messages. */
  typed: string;
  /** The host reached by ssh for a run step on another host (its script prints CONNECTED_MARKER). */
  sshTo?: string;
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
    // LogLevel INFO: the lab's ssh_config says ERROR, which hides why a connection was reset.
    const ssh = `${SSH} -o LogLevel=INFO ${shellQuote(addressOf(hosts, step.host))} bash -s`;
    return {
      script: `exec ${ssh}\necho '${CONNECTED_MARKER}'\n${body}`,
      timeoutSeconds: step.timeoutSeconds + SSH_SLACK_SECONDS,
      typed: ssh,
      sshTo: step.host,
    };
  }
  const read = `cat -- ${shellQuote(step.from)}`;
  const write = `mkdir -p -- "$(dirname -- ${shellQuote(step.to)})" && cat > ${shellQuote(step.to)}`;
  // -n: the reading ssh must not take the rest of this script from stdin as input for its host.
  const reader = step.fromHost === terminal ? read : `${SSH} -n ${shellQuote(addressOf(hosts, step.fromHost))} ${shellQuote(read)}`;
  const writer = step.toHost === terminal ? `sh -c ${shellQuote(write)}` : `${SSH} ${shellQuote(addressOf(hosts, step.toHost))} ${shellQuote(write)}`;
  const typed = `${reader} | ${writer}`;
  return { script: `set -e -o pipefail\n${typed}`, timeoutSeconds: COPY_TIMEOUT_SECONDS, typed };
}

/** Whether `ssh <host>` from the terminal host gets a shell there. */
export interface SshReach {
  host: string;
  reached: boolean;
  /** Set when the host answered only through this other host (`ssh -J <via> <host>`). */
  via?: string;
  /** What ssh said when it was tried directly, if that failed. */
  reason?: string;
}

/** Seconds one `ssh <host> true` may take: a stalled key exchange (a path-MTU black hole) hangs past ConnectTimeout. */
const PROBE_SECONDS = 15;

/**
 * `probe <label> <ssh arguments>` runs `ssh <arguments> true` and prints `reached <label>` or
 * `unreachable <label> exit <n>: <what ssh said>`. LogLevel INFO because the lab's ssh_config says
 * ERROR, which hides why a connection was reset.
 */
const PROBE_FUNCTION = [
  'probe() {',
  '  label=$1; shift',
  `  out=$(timeout -k 1 ${PROBE_SECONDS} ${SSH} -o LogLevel=INFO -n "$@" true 2>&1) && { echo "reached $label"; return 0; }`,
  '  rc=$?',
  `  [ "$rc" = 124 ] && out="no answer within ${PROBE_SECONDS} s"`,
  `  printf 'unreachable %s exit %s: %s\\n' "$label" "$rc" "$(printf '%s' "$out" | tr -s '\\r\\n' '  ')"`,
  '  return 1',
  '}',
].join('\n');

function parseProbes(output: string): Map<string, { reached: boolean; reason?: string }> {
  const found = new Map<string, { reached: boolean; reason?: string }>();
  for (const line of output.split('\n').map((l) => l.trimEnd())) {
    const ok = /^reached (\S+)$/.exec(line);
    if (ok) found.set(ok[1] as string, { reached: true });
    const no = /^unreachable (\S+) exit (\d+): (.*)$/.exec(line);
    if (no) found.set(no[1] as string, { reached: false, reason: (no[3] as string).trim() || `ssh exited with ${no[2]} without saying why` });
  }
  return found;
}

/**
 * Try `ssh <host> true` (key login, batch mode) from the terminal host to each named host. With
 * `throughOthers`, a host that does not answer directly is tried once more through each host that
 * did (`ssh -J`), as a candidate would hop when the fault itself is in the way.
 */
export async function sshReach(
  runtime: TerminalExec,
  env: Environment,
  hosts: RenderedHost[],
  names: string[],
  options: { throughOthers: boolean },
): Promise<SshReach[]> {
  const targets = [...new Set(names)].filter((n) => n !== env.terminalHost);
  if (targets.length === 0) return [];
  const direct = await runtime.exec(
    env,
    env.terminalHost,
    [PROBE_FUNCTION, ...targets.map((name) => `probe ${name} ${shellQuote(addressOf(hosts, name))} &`), 'wait'].join('\n'),
    PROBE_SECONDS + 10,
  );
  const found = parseProbes(direct.output);
  const reach: SshReach[] = targets.map((host) => {
    const probe = found.get(host) ?? { reached: false, reason: `the probe gave no answer: ${direct.output.trim().slice(-300)}` };
    return { host, ...probe };
  });
  const jumps = reach.filter((r) => r.reached).map((r) => r.host);
  const missing = reach.filter((r) => !r.reached);
  if (!options.throughOthers || missing.length === 0 || jumps.length === 0) return reach;
  // Per missing host, the hosts that answered are tried in turn; the missing hosts at once.
  const lines = missing.map((m) => {
    const address = shellQuote(addressOf(hosts, m.host));
    return `{ ${jumps.map((j) => `probe ${m.host}@${j} -J ${shellQuote(addressOf(hosts, j))} ${address}`).join(' || ')}; } &`;
  });
  const viaResult = await runtime.exec(env, env.terminalHost, [PROBE_FUNCTION, ...lines, 'wait'].join('\n'), PROBE_SECONDS * jumps.length + 10);
  const via = parseProbes(viaResult.output);
  for (const m of missing) {
    const through = jumps.find((j) => via.get(`${m.host}@${j}`)?.reached);
    if (through) Object.assign(m, { reached: true, via: through });
  }
  return reach;
}

export function unreachableMessage(terminal: string, r: SshReach): string {
  return `from ${terminal}, the candidate could not reach host ${r.host} by ssh: ${r.reason ?? 'no reason given'}`;
}

/**
 * Run steps in order as a candidate on the terminal host. A host a step cannot reach by ssh is
 * named as such rather than reported as a failed script. The first failing step stops the run
 * with its output.
 */
export async function runCandidateSteps(runtime: TerminalExec, env: Environment, hosts: RenderedHost[], steps: RenderedStep[]): Promise<void> {
  const terminal = env.terminalHost;
  if (!terminal) throw new FaultlineError('not_found', `Environment ${env.id} has no terminal host to apply steps from`);
  for (const step of steps) {
    if (step.kind === 'copy') {
      // A pipe of two ssh commands cannot say which end failed to connect: try both hosts first.
      const refused = (await sshReach(runtime, env, hosts, [step.fromHost, step.toHost], { throughOthers: false })).find((r) => !r.reached);
      if (refused) throw new FaultlineError('environment_failed', `${step.label}: ${unreachableMessage(terminal, refused)}`);
    }
    const command = candidateCommand(step, terminal, hosts);
    const result = await runtime.exec(env, terminal, command.script, command.timeoutSeconds);
    if (result.exitCode === 0) continue;
    const output = result.output.split('\n').filter((line) => line.trimEnd() !== CONNECTED_MARKER).join('\n').trim();
    if (command.sshTo && !result.output.includes(CONNECTED_MARKER)) {
      const reason = result.timedOut ? `no answer within ${command.timeoutSeconds} s` : output.replace(/\s+/g, ' ') || `ssh exited with ${result.exitCode} without saying why`;
      throw new FaultlineError('environment_failed', `${step.label}: ${unreachableMessage(terminal, { host: command.sshTo, reached: false, reason })}`);
    }
    throw new FaultlineError(
      'environment_failed',
      `${step.label}, typed on ${terminal} as \`${command.typed}\`, exited with ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}: ${output.slice(-800)}`,
    );
  }
}
