import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Config } from '../config/index.js';
import type { ClientMessage, CommandEntry, ServerMessage, StatusUpdate } from '../contract/index.js';
import { errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import type { Shell } from '../runtime/exec.js';
import { MAX_COMMANDS_PER_SESSION, RUNNING_STATES, candidateState, checksForRole, visibilityOf, commandForRole, type ClosedReason, type CommandLog, type Role, type Sessions, type TimedCheckResult } from '../sessions/index.js';
import { CandidateTabs } from './candidate-tabs.js';
import { ResizeCoalescer, shouldWarn, type TokenBucket } from './control-limits.js';
import { Mirror } from './mirror.js';
import { ShellInput } from './shell-input.js';
import { ShellMarks, commandMarker, type ShellCommand } from './shell-marks.js';
import type { Recorder } from './recorder.js';

/** One connected socket of a session terminal. */
export interface Client {
  ws: WebSocket;
  role: Role;
  /** Bytes sent that the client has not acknowledged as written to its screen. */
  unacked: number;
  /** Output held back while the client's snapshot is being taken; undefined once it is live. */
  queued: Buffer[] | undefined;
  alive: boolean;
  /** Control messages other than acks (see control-limits.ts). */
  controlBudget: TokenBucket;
  /** When this socket was last told it is over its control budget (epoch ms). */
  controlWarnedAt: number;
}

/** A batch is sent at once when it grows past this, without waiting for the timer. */
const MAX_BATCH = 64 * 1024;
/** A frame at least this large, sent within batchMs of the next output, means a flood is on. */
const FLOOD_FRAME = 4 * 1024;
/** After a shell exits by itself, a new one starts this much later (if anyone is connected). */
const RESPAWN_DELAY_MS = 300;
/** Carriage return: what a terminal sends for Enter. */
const CR = 0x0d;

const controlSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resize'), cols: z.number().int().min(2).max(1000), rows: z.number().int().min(2).max(500) }),
  z.object({ type: z.literal('ack'), bytes: z.number().int().min(0).max(1024 * 1024 * 1024) }),
  z.object({ type: z.literal('claim') }),
  z.object({ type: z.literal('ping'), id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
]) satisfies z.ZodType<ClientMessage>;

export const CLOSE = { ended: 1008, serverError: 1011, slowWatcher: 4000 } as const;

/**
 * The terminal of one session: one long-lived shell, fanned out to every socket, mirrored
 * headless for snapshots, recorded, and paced by the candidate's acknowledgements.
 */
export class SessionTerminal {
  readonly clients = new Set<Client>();
  private shell: Shell | undefined;
  private opening = false;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushImmediate: NodeJS.Immediate | undefined;
  private lastFlush = 0;
  private lastFlushBytes = 0;
  private decoder = new TextDecoder('utf-8');
  private readonly inputDecoder = new TextDecoder('utf-8');
  private paused = false;
  private closed = false;
  private readonly keystrokes = new ShellInput({
    clients: this.clients,
    shell: () => this.shell,
    outputPaused: () => this.paused,
    written: (data) => {
      this.traffic.bytesIn += data.length;
      // Enter (xterm sends CR): a command may have changed what the checks look at.
      if (data.includes(CR)) {
        this.sessions.commandSubmitted(this.sessionId);
        this.marks.enter();
      }
      this.recorder.input(this.inputDecoder.decode(data, { stream: true }));
    },
    tell: (client, code, message) => send(client, { type: 'error', code, message }),
  });
  /** The size the engine was last asked to give the current shell, and whether a call is in flight. */
  private shellSync: { shell: Shell; busy: boolean; cols: number; rows: number } | undefined;
  private readonly resizes = new ResizeCoalescer((cols, rows) => this.resize(cols, rows));
  /** Which candidate socket drives the shell; the candidate's other tabs watch, at the driving tab's size. */
  private readonly tabs = new CandidateTabs(this.clients, (client, active) => {
    send(client, { type: 'tab', active });
    if (!active) send(client, { type: 'resize', cols: this.mirror.cols, rows: this.mirror.rows });
  });
  readonly mirror: Mirror;
  private commandMarkers = 0;
  /** The command timeline, read from the shell's marks as the mirror parses the output. */
  private readonly marks = new ShellMarks({
    // Marks are the candidate's to print: markers stop where the command log does.
    started: (host, command) => {
      if (this.commandMarkers++ < MAX_COMMANDS_PER_SESSION) this.recorder.marker(commandMarker(host, command));
    },
    command: (command) => this.onCommand(command),
    lost: (host) => this.onCommandNotice(`shell integration stopped reporting on ${host || 'a host'}: commands start there without ending (PROMPT_COMMAND unset?)`),
    silent: (host) =>
      this.onCommandNotice(`no prompt reported on ${host || 'the shell'} while lines were entered for 10 s: a program may be reading them, or the shell's hooks (PROMPT_COMMAND, PS0) were removed and later commands are only in the recording`),
  });

  constructor(
    readonly sessionId: string,
    private readonly sessions: Sessions,
    readonly recorder: Recorder,
    private readonly options: Config['terminal'],
    /** Gateway-wide byte counters (for metrics); outlive any one terminal. */
    private readonly traffic: TerminalTraffic,
    private readonly commands: CommandLog,
  ) {
    const { cols, rows } = sessions.get(sessionId).terminal;
    this.mirror = new Mirror(cols, rows, (term) => this.marks.attach(term));
  }

  /** A new socket: hello, status, the current screen, then live output. `claim`: a candidate tab that takes over the shell. */
  add(client: Client, claim = false): void {
    this.clients.add(client);
    const record = this.sessions.get(this.sessionId);
    send(client, { type: 'hello', role: client.role, session: this.sessions.view(this.sessionId, client.role) });
    const blind = client.role === 'candidate' && visibilityOf(record) === 'hidden';
    send(client, {
      type: 'status',
      state: blind ? candidateState(record.state) : record.state,
      ...(record.phase ? { phase: record.phase } : {}),
      ...(record.phase === 'queued' && record.queueAhead !== undefined ? { queueAhead: record.queueAhead } : {}),
      ...(record.error ? { message: record.error } : {}),
    });
    this.sendSnapshot(client);
    if (record.checks.length > 0) this.sendChecksTo(client, record.checks, record.state === 'solved');
    if (client.role !== 'candidate') send(client, { type: 'resize', cols: this.mirror.cols, rows: this.mirror.rows });
    this.tabs.joined(client, claim);
    this.ensureShell();
    this.keystrokes.update();
  }

  remove(client: Client): void {
    if (!this.clients.delete(client)) return;
    this.tabs.left(client);
    this.updateFlow();
  }

  /**
   * Keystrokes: those of the candidate's driving tab go to the shell (held, up to a bound, until
   * there is one); anyone else's are ignored.
   */
  input(client: Client, data: Buffer): void {
    if (this.tabs.drives(client)) this.keystrokes.write(client, data);
  }

  control(client: Client, raw: string): void {
    let message: ClientMessage;
    try {
      const parsed = controlSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) {
        this.refuse(client, `That control message was not understood (${parsed.error.issues[0]?.message ?? 'invalid'}); it was ignored. docs/api.md lists the messages.`);
        return;
      }
      message = parsed.data;
    } catch {
      this.refuse(client, 'A text frame must be a JSON control message; it was ignored. Send keystrokes as binary frames.');
      return;
    }
    if (message.type === 'ack') {
      client.unacked = Math.max(0, client.unacked - message.bytes);
      this.updateFlow();
      return;
    }
    if (message.type === 'ping') {
      // Every answer is a frame the server must hold until it is read: pings share the socket's budget.
      if (client.controlBudget.take()) send(client, { type: 'pong', id: message.id });
      else if (shouldWarn(client)) send(client, { type: 'error', code: 'rate_limited', message: 'Too many pings: they are dropped unanswered until this socket sends fewer.' });
      return;
    }
    if (message.type === 'claim') {
      this.tabs.claim(client);
      // Output is paced by the driving tab now: a pause for the previous one's acks must not outlast it.
      this.updateFlow();
    } else if (this.tabs.drives(client)) {
      this.resizes.request(message.cols, message.rows);
    }
  }

  /**
   * Acks and resizes cost next to nothing here (resizes are coalesced); anything else a socket
   * sends (pings, invalid messages) is answered within its budget, and past it dropped with a word now and then.
   */
  private refuse(client: Client, message: string): void {
    if (client.controlBudget.take()) send(client, { type: 'error', code: 'bad_request', message });
    else if (shouldWarn(client)) send(client, { type: 'error', code: 'rate_limited', message: 'Too many invalid control messages: they are dropped unanswered until this socket sends fewer.' });
  }

  /** Apply a size (coalesced by `resizes`); false if it is the current one. */
  private resize(cols: number, rows: number): boolean {
    if (this.closed || (cols === this.mirror.cols && rows === this.mirror.rows)) return false;
    this.mirror.resize(cols, rows);
    this.sessions.setTerminalSize(this.sessionId, cols, rows);
    this.recorder.resize(cols, rows);
    this.syncShellSize();
    this.broadcast({ type: 'resize', cols, rows }, (c) => !this.tabs.drives(c));
    return true;
  }

  /**
   * Engine resizes one at a time, to the current size when the previous one is done: calls in
   * flight together may land out of order and leave the shell at an older size.
   */
  private syncShellSize(): void {
    const sync = this.shellSync;
    if (!sync || sync.busy || this.shell !== sync.shell) return;
    const { cols, rows } = this.mirror;
    if (sync.cols === cols && sync.rows === rows) return;
    sync.busy = true;
    sync.shell
      .resize(cols, rows)
      .catch((err: unknown) => logger.debug({ sessionId: this.sessionId, err: errorMessage(err) }, 'the engine refused a terminal resize'))
      .finally(() => {
        // Refused or not, this size was tried; the next change tries again.
        Object.assign(sync, { busy: false, cols, rows });
        this.syncShellSize();
      });
  }

  /** A check round's results, as each client's role (and the interview's visibility) may see them. */
  sendChecks(checks: TimedCheckResult[], solved: boolean): void {
    for (const client of this.clients) this.sendChecksTo(client, checks, solved);
  }

  private sendChecksTo(client: Client, checks: TimedCheckResult[], solved: boolean): void {
    const visibility = visibilityOf(this.sessions.get(this.sessionId));
    const blind = client.role === 'candidate' && visibility === 'hidden';
    send(client, { type: 'checks', checks: checksForRole(checks, client.role, visibility), solved: solved && !blind });
  }

  /** A status change; a candidate who may not see the checks is not told the session is solved. */
  sendStatus(status: StatusUpdate): void {
    const blind = visibilityOf(this.sessions.get(this.sessionId)) === 'hidden';
    for (const client of this.clients) {
      const state = blind && client.role === 'candidate' ? candidateState(status.state) : status.state;
      send(client, { type: 'status', ...status, state });
    }
  }

  broadcast(message: ServerMessage, to: (client: Client) => boolean = () => true): void {
    for (const client of this.clients) if (to(client)) send(client, message);
  }

  /** The environment is up (again): open the shell if someone is waiting for it. */
  onEnvironment(): void {
    this.ensureShell();
  }

  /** The environment went away: drop the shell; unless it is being rebuilt or restarted, close every socket. */
  onClosed(reason: ClosedReason): void {
    this.dropShell();
    if (reason === 'restart') {
      // The screen stays as it was; a new shell starts below it once the hosts are back.
      this.onOutput(Buffer.from('\r\n[the environment stopped; starting it again with your files]\r\n'));
      return;
    }
    if (reason === 'reset') {
      // Keystrokes typed for the old environment are not replayed into the new one.
      this.keystrokes.discardPending();
      this.decoder = new TextDecoder('utf-8');
      this.mirror.reset();
      this.recorder.marker('reset');
      for (const client of this.clients) this.sendSnapshot(client);
      return;
    }
    this.close(CLOSE.ended, `session ${reason}`);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.resizes.close();
    this.dropShell();
    for (const client of this.clients) client.ws.close(code, reason);
    this.clients.clear();
    this.mirror.dispose();
    this.recorder.close();
  }

  private onCommand(command: ShellCommand): void {
    try {
      const rules = this.sessions.environment(this.sessionId)?.rendered.revealing ?? [];
      this.sendCommand(this.commands.add(this.sessionId, command, rules));
    } catch (err) {
      // The timeline is a convenience: a failure to keep it never touches the terminal.
      logger.warn({ sessionId: this.sessionId, err: errorMessage(err) }, 'keeping a reported command failed');
    }
  }

  private onCommandNotice(text: string): void {
    try {
      this.sendCommand(this.commands.notice(this.sessionId, text));
    } catch (err) {
      logger.warn({ sessionId: this.sessionId, err: errorMessage(err) }, 'keeping a command-log notice failed');
    }
  }

  /** To whoever may read the recording: watchers, and a practice candidate. */
  private sendCommand(entry: CommandEntry | undefined): void {
    if (!entry) return;
    if (this.sessions.get(this.sessionId).mode === 'practice') {
      this.broadcast({ type: 'command', command: commandForRole(entry, 'candidate') }, (c) => c.role === 'candidate');
    }
    this.broadcast({ type: 'command', command: entry }, (c) => c.role !== 'candidate');
  }

  private sendSnapshot(client: Client): void {
    client.queued = [];
    this.mirror.snapshot((data) => {
      if (!this.clients.has(client)) return;
      send(client, { type: 'snapshot', data, cols: this.mirror.cols, rows: this.mirror.rows });
      const queued = client.queued ?? [];
      client.queued = undefined;
      for (const chunk of queued) this.sendOutput(client, chunk);
      this.tabs.tellJoined(client);
    });
  }

  private ensureShell(): void {
    if (this.closed || this.shell || this.opening || this.clients.size === 0) return;
    if (!RUNNING_STATES.has(this.sessions.get(this.sessionId).state) || !this.sessions.environment(this.sessionId)) return;
    this.opening = true;
    this.sessions
      .openShell(this.sessionId)
      .then((shell) => {
        this.opening = false;
        if (this.closed || !this.sessions.environment(this.sessionId)) {
          shell.stream.destroy();
          return;
        }
        this.attachShell(shell);
      })
      .catch((err: unknown) => {
        this.opening = false;
        // Its host stopped and is being started again: the status says so, and a shell opens when it is back.
        if (!this.sessions.environment(this.sessionId)) return;
        logger.error({ sessionId: this.sessionId, err: errorMessage(err) }, 'opening the shell failed');
        this.broadcast({ type: 'error', code: 'shell_failed', message: `The shell could not be opened (${errorMessage(err)}). Reload the page to try again; if that fails too, reset the environment.` });
      });
  }

  private attachShell(shell: Shell): void {
    this.shell = shell;
    this.paused = false;
    const { stream } = shell;
    this.shellSync = { shell, busy: false, cols: 0, rows: 0 };
    this.syncShellSize();
    stream.on('data', (chunk: Buffer) => this.onOutput(chunk));
    // A shell from the warm pool was held paused (its prompt waiting); a listener alone would not restart it.
    stream.resume();
    this.keystrokes.attached(shell);
    stream.on('error', (err) => logger.warn({ sessionId: this.sessionId, err: errorMessage(err) }, 'shell stream error'));
    stream.on('close', () => {
      if (this.shell !== shell) return;
      this.flush();
      this.shell = undefined;
      this.keystrokes.update();
      if (this.closed) return;
      this.onOutput(Buffer.from('\r\n[the shell exited; starting a new one]\r\n'));
      setTimeout(() => this.ensureShell(), RESPAWN_DELAY_MS).unref();
    });
  }

  private dropShell(): void {
    const shell = this.shell;
    this.shell = undefined;
    this.cancelFlush();
    this.batch = [];
    this.batchBytes = 0;
    // The exec itself cannot be killed through the API; closing our end and removing the
    // containers (on end) is what stops it.
    shell?.stream.destroy();
    this.keystrokes.update();
  }

  /**
   * Coalesce output. Interactive output (keystroke echo, a prompt) goes out right after the read
   * it came in; only during a flood (the last frame was large and recent) do chunks wait up to
   * batchMs to be sent as one frame.
   */
  private onOutput(chunk: Buffer): void {
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes >= MAX_BATCH || this.options.batchMs === 0) {
      this.flush();
      return;
    }
    if (this.flushTimer || this.flushImmediate) return;
    const flooding = this.lastFlushBytes >= FLOOD_FRAME && Date.now() - this.lastFlush < this.options.batchMs;
    if (flooding) this.flushTimer = setTimeout(() => this.flush(), this.options.batchMs);
    else this.flushImmediate = setImmediate(() => this.flush());
  }

  private cancelFlush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    this.flushTimer = undefined;
    this.flushImmediate = undefined;
  }

  private flush(): void {
    this.cancelFlush();
    if (this.batchBytes === 0) return;
    this.lastFlush = Date.now();
    this.lastFlushBytes = this.batchBytes;
    const data = this.batch.length === 1 ? (this.batch[0] as Buffer) : Buffer.concat(this.batch);
    this.batch = [];
    this.batchBytes = 0;
    // People first: the screen update goes out before the mirror and the recording take their turn.
    for (const client of this.clients) {
      if (client.queued) client.queued.push(data);
      else this.sendOutput(client, data);
    }
    const text = this.decoder.decode(data, { stream: true });
    this.mirror.write(text, () => this.updateFlow());
    this.recorder.output(text);
    this.updateFlow();
  }

  private sendOutput(client: Client, data: Buffer): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    client.unacked += data.length;
    if (!this.tabs.drives(client) && (client.unacked > this.options.watcherMaxLag || client.ws.bufferedAmount > this.options.watcherMaxLag)) {
      // A slow watcher (or a candidate tab that does not drive) must never hold the candidate back: drop it; it reconnects to a snapshot.
      this.clients.delete(client);
      client.ws.close(CLOSE.slowWatcher, 'too far behind; reconnect for a fresh screen');
      return;
    }
    client.ws.send(data, { binary: true });
    this.traffic.bytesOut += data.length;
  }

  /** Pause the shell while the candidate (or the mirror) is too far behind; resume when caught up. */
  private updateFlow(): void {
    const stream = this.shell?.stream;
    if (!stream) return;
    let lag = this.mirror.pending;
    for (const c of this.clients) if (this.tabs.drives(c)) lag = Math.max(lag, c.unacked);
    if (!this.paused && lag > this.options.highWatermark) {
      this.paused = true;
      stream.pause();
      this.keystrokes.update();
    } else if (this.paused && lag < this.options.lowWatermark) {
      this.paused = false;
      stream.resume();
      this.keystrokes.update();
    }
  }
}

export interface TerminalTraffic {
  bytesOut: number;
  bytesIn: number;
}

export function send(client: Client, message: ServerMessage): void {
  if (client.ws.readyState === client.ws.OPEN) client.ws.send(JSON.stringify(message));
}
