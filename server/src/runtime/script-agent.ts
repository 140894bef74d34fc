import crypto from 'node:crypto';
import type { Socket } from 'node:net';
import { PassThrough, type Duplex } from 'node:stream';
import readline from 'node:readline';
import type Docker from 'dockerode';
import { z } from 'zod';
import { FaultlineError } from '../errors/index.js';
import { logger } from '../logging/index.js';
import { withDeadline } from './docker.js';
import type { ScriptResult } from './exec.js';

/** Exit code for a script stopped at its deadline (the one coreutils `timeout` uses). */
const TIMEOUT_EXIT = 124;

/**
 * The agent: reads a nonce, then one JSON request per line; runs each script concurrently with
 * `bash -s` (the script on stdin, so never in a process list or on disk) in its own process group,
 * and answers one JSON line per request, tagged with the nonce. The agent enforces the deadline
 * itself (TERM to the group, KILL 2 s later, exit 124 like coreutils timeout): a process start
 * costs several milliseconds of CPU here and every check round pays it per script. Python is in
 * every lab image (the tools layer).
 */
const AGENT_PROGRAM = `
import json, os, signal, subprocess, sys, threading
nonce = sys.stdin.readline().strip()
lock = threading.Lock()
def answer(reply):
    reply['nonce'] = nonce
    line = json.dumps(reply) + '\\n'
    with lock:
        sys.stdout.write(line)
        sys.stdout.flush()
def stop(p, sig):
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass
def run(req):
    try:
        env = dict(os.environ, **req.get('env', {}))
        p = subprocess.Popen(['bash', '-s'], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env=env, cwd='/', start_new_session=True)
        try:
            out, _ = p.communicate(req['script'].encode(), timeout=req['timeout'])
            code = p.returncode
        except subprocess.TimeoutExpired:
            stop(p, signal.SIGTERM)
            try:
                out, _ = p.communicate(timeout=2)
            except subprocess.TimeoutExpired:
                stop(p, signal.SIGKILL)
                try:
                    out, _ = p.communicate(timeout=2)
                except subprocess.TimeoutExpired:
                    out = b"a process that left the script's process group still holds its output"
            code = ${TIMEOUT_EXIT}
        answer({'id': req['id'], 'exit': code, 'output': out[-65536:].decode('utf-8', 'replace')})
    except Exception as e:
        answer({'id': req['id'], 'exit': -1, 'output': 'the check agent could not run the script: %s' % e})
answer({'id': 0, 'exit': 0, 'output': 'ready'})
for line in sys.stdin:
    threading.Thread(target=run, args=(json.loads(line),), daemon=True).start()
`;

const replySchema = z.object({ id: z.number().int(), exit: z.number().int(), output: z.string(), nonce: z.string() });

interface Pending {
  resolve: (result: ScriptResult) => void;
  reject: (err: Error) => void;
  started: number;
  timer: NodeJS.Timeout;
}

/**
 * One long-lived exec per host that runs many scripts: a check round costs no engine calls and no
 * new container process setup (runc exec), only the scripts themselves. If the agent dies (a
 * candidate may kill it) every pending script fails and the caller opens a new one.
 */
export class ScriptAgent {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead = false;

  private constructor(
    private readonly stream: Duplex,
    private readonly nonce: string,
    readonly label: string,
  ) {}

  static async open(docker: Docker, containerId: string, label: string, timeoutMs: number): Promise<ScriptAgent> {
    const exec = await withDeadline(`start the script agent on ${label}`, timeoutMs, (abortSignal) =>
      docker.getContainer(containerId).exec({
        // -I: no PYTHON* variables, user site or working directory on the import path.
        Cmd: ['python3', '-I', '-u', '-c', AGENT_PROGRAM],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        abortSignal,
      } as Docker.ExecCreateOptions),
    );
    const stream = (await withDeadline(`start the script agent on ${label}`, timeoutMs, (abortSignal) =>
      exec.start({ hijack: true, stdin: true, abortSignal } as Docker.ExecStartOptions),
    )) as Duplex;
    // An idle agent must not keep a CLI process alive; a pending script's timer does.
    (stream as Partial<Socket>).unref?.();
    // The nonce goes in on stdin: a reply without it was not written by this agent.
    const agent = new ScriptAgent(stream, crypto.randomBytes(16).toString('hex'), label);
    const ready = agent.await(0, timeoutMs);
    agent.listen(docker);
    stream.write(`${agent.nonce}\n`);
    await ready;
    return agent;
  }

  get alive(): boolean {
    return !this.dead;
  }

  run(script: string, timeoutSeconds: number, env: Record<string, string> = {}): Promise<ScriptResult> {
    if (this.dead) return Promise.reject(new FaultlineError('docker_failed', `The script agent on ${this.label} has exited`));
    const id = this.nextId++;
    const result = this.await(id, timeoutSeconds * 1000 + 5000);
    this.stream.write(`${JSON.stringify({ id, script: script.endsWith('\n') ? script : `${script}\n`, timeout: timeoutSeconds, env })}\n`);
    return result;
  }

  close(): void {
    this.fail(new FaultlineError('docker_failed', `The script agent on ${this.label} was closed`));
  }

  private await(id: number, deadlineMs: number): Promise<ScriptResult> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // A stuck agent (stopped, or starved) is not trusted again: everything pending fails.
        this.fail(new FaultlineError('timeout', `The script agent on ${this.label} did not answer within ${deadlineMs} ms`));
      }, deadlineMs);
      this.pending.set(id, { resolve, reject, started: Date.now(), timer });
    });
  }

  private listen(docker: Docker): void {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    docker.modem.demuxStream(this.stream, stdout, stderr);
    stderr.on('data', (chunk: Buffer) => logger.warn({ host: this.label, stderr: chunk.toString().slice(0, 500) }, 'script agent wrote to stderr'));
    readline.createInterface({ input: stdout }).on('line', (line) => this.onReply(line));
    const gone = () => this.fail(new FaultlineError('docker_failed', `The script agent on ${this.label} exited`));
    this.stream.on('end', gone);
    this.stream.on('close', gone);
    this.stream.on('error', gone);
  }

  private onReply(line: string): void {
    let reply: z.infer<typeof replySchema>;
    try {
      reply = replySchema.parse(JSON.parse(line));
    } catch {
      // Before its ready line, anything else is the engine or python saying why it cannot start.
      if (this.pending.has(0)) this.fail(new FaultlineError('docker_failed', `The script agent on ${this.label} could not start: ${line.slice(0, 300)}`));
      else logger.warn({ host: this.label, line: line.slice(0, 200) }, 'script agent sent a line that is not a reply');
      return;
    }
    const waiting = this.pending.get(reply.id);
    if (reply.nonce !== this.nonce || !waiting) {
      logger.warn({ host: this.label, id: reply.id }, 'script agent reply with a wrong nonce or an unknown id ignored');
      return;
    }
    this.pending.delete(reply.id);
    clearTimeout(waiting.timer);
    waiting.resolve({
      exitCode: reply.exit,
      output: reply.output,
      durationMs: Date.now() - waiting.started,
      timedOut: reply.exit === TIMEOUT_EXIT,
    });
  }

  private fail(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.stream.destroy();
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(err);
    }
    this.pending.clear();
  }
}
