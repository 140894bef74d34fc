import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config/index.js';
import type { ServerMessage } from '../contract/index.js';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import { LIVE_STATES, eventForRole, visibilityOf, type SessionRecord, type ClosedReason, type CommandLog, type Role, type SessionEvent, type SessionFiles, type Sessions } from '../sessions/index.js';
import { CONTROL_BURST, CONTROL_PER_SECOND, TokenBucket } from './control-limits.js';
import { originAllowed } from './origin.js';
import { Recorder, RecordingSpace } from './recorder.js';
import { CLOSE, SessionTerminal, send, type Client, type TerminalTraffic } from './session-terminal.js';

export const PROTOCOL = 'faultline.v1';
const TOKEN_PREFIX = 'faultline.token.';
/** Offered by a candidate tab that takes the shell over from the candidate's other tabs (candidate-tabs.ts). */
const CLAIM = 'faultline.claim';
const MAX_PAYLOAD = 64 * 1024;
const TERMINAL_PATH = /^\/api\/sessions\/([A-Za-z0-9_-]{1,64})\/terminal$/;

/** Timeline entries that also go into the recording as markers (asciicast "m"). */
function markerFor(event: SessionEvent): string | undefined {
  switch (event.type) {
    case 'check_changed':
      return `check ${String(event.data.id)} ${event.data.passed ? 'passed' : 'failed'}`;
    case 'hint':
      return `hint ${Number(event.data.index) + 1}`;
    case 'note':
      return 'note';
    case 'escalation':
      return `escalation ${String(event.data.id)}`;
    case 'solved':
      return 'solved';
    case 'unsolved':
      return 'unsolved';
    case 'part':
      return `part ${Number(event.data.index) + 1} of ${Number(event.data.total)}: ${String(event.data.title)}`;
    case 'reset':
      return undefined;
    default:
      return undefined;
  }
}

export function recordingPath(dataDir: string, sessionId: string): string {
  return path.join(dataDir, 'recordings', `${sessionId}.cast`);
}

/** The files a session's terminal leaves in the data directory: its recording, and unreadable ones kept aside (recorder.ts). */
export function sessionFiles(dataDir: string): SessionFiles {
  return {
    recording: (id) => recordingPath(dataDir, id),
    list: (id) => {
      const file = recordingPath(dataDir, id);
      const dir = path.dirname(file);
      const prefix = `${path.basename(file)}.`;
      let names: string[] = [];
      try {
        names = fs.readdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      return [file, ...names.filter((n) => n.startsWith(prefix)).map((n) => path.join(dir, n))];
    },
  };
}

/**
 * The WebSocket gateway: authenticates upgrades (token in a subprotocol, Origin allow-list),
 * keeps one SessionTerminal per live session, forwards session events to sockets, and pings.
 */
export class TerminalGateway {
  private readonly wss: WebSocketServer;
  private readonly terminals = new Map<string, SessionTerminal>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly recordingSpace: RecordingSpace;

  constructor(
    private readonly config: Config,
    private readonly sessions: Sessions,
    private readonly commands: CommandLog,
  ) {
    this.recordingSpace = new RecordingSpace(path.dirname(recordingPath(config.dataDir, 'x')), config.terminal.recordingsMaxBytes);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_PAYLOAD,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (offered) => (offered.has(PROTOCOL) ? PROTOCOL : false),
    });
    sessions.on('event', (id, event) => this.onEvent(id, event));
    sessions.on('status', (id, status) => this.terminals.get(id)?.sendStatus(status));
    sessions.on('checks', (id, checks, solved) => this.terminals.get(id)?.sendChecks(checks, solved));
    sessions.on('environment', (id) => this.terminal(id)?.onEnvironment());
    sessions.on('closed', (id, reason) => this.onClosed(id, reason));
    sessions.on('erased', () => this.recordingSpace.recount());
    this.heartbeat = setInterval(() => this.ping(), config.terminal.heartbeatMs);
    this.heartbeat.unref();
  }

  /** The HTTP server's 'upgrade' handler. Refusals are plain HTTP answers with a JSON body. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => logger.debug({ err: errorMessage(err) }, 'upgrade socket error'));
    try {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      const match = TERMINAL_PATH.exec(pathname);
      if (!match?.[1]) throw new FaultlineError('not_found', 'There is no WebSocket endpoint here; the terminal is at /api/sessions/<id>/terminal.');
      const sessionId = match[1];
      if (!originAllowed(req, this.config)) {
        throw new FaultlineError('forbidden', `This page's origin (${req.headers.origin ?? 'none'}) may not open terminals here. Open Faultline at the server's own address, or add the origin to FAULTLINE_ALLOWED_ORIGINS.`);
      }
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!offered.includes(PROTOCOL)) throw new FaultlineError('bad_request', `This terminal speaks the ${PROTOCOL} subprotocol; offer it when connecting (docs/api.md).`);
      const token = offered.find((p) => p.startsWith(TOKEN_PREFIX))?.slice(TOKEN_PREFIX.length);
      const { record, role } = this.sessions.authenticate(sessionId, token);
      if (role === 'candidate' && record.window) this.refuseClosedInvite(record);
      this.wss.handleUpgrade(req, socket, head, (ws) => this.connect(ws, sessionId, role, offered.includes(CLAIM)));
    } catch (err) {
      refuse(socket, err);
    }
  }

  private connect(ws: WebSocket, sessionId: string, role: Role, claim: boolean): void {
    ws.on('error', (err) => logger.debug({ sessionId, err: errorMessage(err) }, 'terminal socket error'));
    const record = this.sessions.get(sessionId);
    const terminal = LIVE_STATES.has(record.state) ? this.terminal(sessionId) : undefined;
    if (!terminal) {
      const closing: ServerMessage = { type: 'status', state: record.state, ...(record.error ? { message: record.error } : {}) };
      ws.send(JSON.stringify(closing));
      ws.close(CLOSE.ended, `session ${record.state}`);
      return;
    }
    const client: Client = {
      ws,
      role,
      unacked: 0,
      queued: undefined,
      alive: true,
      controlBudget: new TokenBucket(CONTROL_BURST, CONTROL_PER_SECOND),
      controlWarnedAt: 0,
    };
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      try {
        const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        if (isBinary) terminal.input(client, buffer);
        else terminal.control(client, buffer.toString('utf8'));
      } catch (err) {
        logger.error({ sessionId, err: errorMessage(err) }, 'handling a terminal message failed');
        send(client, { type: 'error', code: 'internal', message: 'The server failed to handle that message; it was dropped. Reload the page if the terminal stops responding.' });
      }
    });
    ws.on('close', () => {
      terminal.remove(client);
      this.sessions.leave(sessionId, role);
    });
    terminal.add(client, claim);
    this.sessions.join(sessionId, role);
  }

  /** The terminal of a live session, created on first use (and its recording opened). */
  private terminal(sessionId: string): SessionTerminal | undefined {
    let terminal = this.terminals.get(sessionId);
    if (terminal) return terminal;
    const record = this.sessions.get(sessionId);
    if (!LIVE_STATES.has(record.state)) return undefined;
    const recorder = new Recorder(
      recordingPath(this.config.dataDir, sessionId),
      { width: record.terminal.cols, height: record.terminal.rows, title: `${record.scenarioId} (${record.mode})` },
      { maxBytes: this.config.terminal.recordingMaxBytes, space: this.recordingSpace },
    );
    terminal = new SessionTerminal(sessionId, this.sessions, recorder, this.config.terminal, this.traffic, this.commands);
    this.terminals.set(sessionId, terminal);
    return terminal;
  }

  private onEvent(sessionId: string, event: SessionEvent): void {
    const terminal = LIVE_STATES.has(this.sessions.get(sessionId).state) ? this.terminal(sessionId) : this.terminals.get(sessionId);
    if (!terminal) return;
    const marker = markerFor(event);
    if (marker) terminal.recorder.marker(marker);
    const visibility = visibilityOf(this.sessions.get(sessionId));
    for (const client of terminal.clients) {
      const visible = eventForRole(event, client.role, visibility);
      if (visible) send(client, { type: 'event', event: visible });
    }
  }

  /** A candidate's lobby opens only in the invite's window (and not once it was withdrawn). */
  private refuseClosedInvite(record: SessionRecord): void {
    const status = this.sessions.inviteStatus(record);
    if (status === 'early') throw new FaultlineError('forbidden', `This interview opens at ${record.window?.opensAt ?? 'its booked time'}; come back then.`);
    if (status === 'closed') throw new FaultlineError('forbidden', 'The window of this interview has passed; ask your interviewer for a new link.');
    if (status === 'revoked') throw new FaultlineError('forbidden', 'This interview was withdrawn; ask your interviewer.');
  }

  private onClosed(sessionId: string, reason: ClosedReason): void {
    if (reason !== 'reset' && reason !== 'restart') this.commands.forget(sessionId);
    const terminal = this.terminals.get(sessionId);
    if (!terminal) return;
    terminal.onClosed(reason);
    if (reason !== 'reset' && reason !== 'restart') this.terminals.delete(sessionId);
  }

  private ping(): void {
    for (const terminal of this.terminals.values()) {
      for (const client of terminal.clients) {
        if (!client.alive) {
          terminal.remove(client);
          client.ws.terminate();
          continue;
        }
        client.alive = false;
        client.ws.ping();
      }
    }
  }

  /** Terminal bytes sent to browsers and typed by candidates since the server started. */
  readonly traffic: TerminalTraffic = { bytesOut: 0, bytesIn: 0 };

  connections(): number {
    let n = 0;
    for (const t of this.terminals.values()) n += t.clients.size;
    return n;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const terminal of this.terminals.values()) terminal.close(1001, 'server shutting down');
    this.terminals.clear();
    this.wss.close();
  }
}

function refuse(socket: Duplex, err: unknown): void {
  const status = err instanceof FaultlineError ? err.status : 500;
  const code = err instanceof FaultlineError ? err.code : 'internal';
  if (!(err instanceof FaultlineError)) logger.error({ err: errorMessage(err) }, 'terminal upgrade failed');
  const body = JSON.stringify({ error: { code, message: errorMessage(err) } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
