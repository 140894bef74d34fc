import type { ClientMessage, ServerMessage } from '../lib/types.js';

export type Connection = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SocketListener {
  output?(bytes: Uint8Array): void;
  message?(message: ServerMessage): void;
  connection?(state: Connection, detail?: string): void;
}

const PROTOCOL = 'faultline.v1';
/** Offered to take the shell over from the candidate's other tabs (docs/api.md). */
const CLAIM = 'faultline.claim';
const CLOSE_ENDED = 1008;
const CLOSE_SLOW_WATCHER = 4000;
const MAX_BACKOFF_MS = 10_000;

/**
 * One session's terminal WebSocket (docs/api.md): binary frames for bytes, JSON text frames for
 * control. Reconnects with exponential backoff until the server says the session is over (1008)
 * or close() is called; every (re)connect starts with a fresh snapshot from the server. A
 * candidate's newly opened tab takes the shell over; a tab that was told another one drives it
 * reconnects without taking it back.
 */
export class TerminalSocket {
  private ws: WebSocket | undefined;
  private readonly listeners = new Set<SocketListener>();
  private attempts = 0;
  private timer: number | undefined;
  private stopped = false;
  /** Whether this tab drives the candidate's shell, as the server last said (`tab` messages). */
  private driving = true;
  state: Connection = 'connecting';

  constructor(
    private readonly sessionId: string,
    private readonly token: string,
  ) {
    this.connect();
  }

  subscribe(listener: SocketListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  sendInput(data: string | Uint8Array): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  sendResize(cols: number, rows: number): void {
    this.control({ type: 'resize', cols, rows });
  }

  /** "Use here": take the shell over from the candidate's other tab. */
  claim(): void {
    this.control({ type: 'claim' });
  }

  /** Flow control: tell the server how many bytes xterm has written to the screen. */
  ack(bytes: number): void {
    this.control({ type: 'ack', bytes });
  }

  /** The lobby's connection check: the server answers with a pong of the same id. */
  ping(id: number): void {
    this.control({ type: 'ping', id });
  }

  /** Reconnect at once (after a reset, or when the user asks). */
  reconnectNow(): void {
    if (this.stopped) return;
    window.clearTimeout(this.timer);
    this.ws?.close();
    this.attempts = 0;
    this.connect();
  }

  close(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.ws?.close(1000, 'page closed');
    this.setState('closed');
  }

  private control(message: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private connect(): void {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${window.location.host}/api/sessions/${encodeURIComponent(this.sessionId)}/terminal`, [
      PROTOCOL,
      `faultline.token.${this.token}`,
      ...(this.driving ? [CLAIM] : []),
    ]);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onmessage = (ev: MessageEvent<ArrayBuffer | string>) => {
      if (ws !== this.ws) return;
      if (typeof ev.data === 'string') {
        const message = JSON.parse(ev.data) as ServerMessage;
        if (message.type === 'tab') this.driving = message.active;
        if (message.type === 'hello') {
          this.attempts = 0;
          this.setState('open');
        }
        for (const l of this.listeners) l.message?.(message);
      } else {
        const bytes = new Uint8Array(ev.data);
        for (const l of this.listeners) l.output?.(bytes);
      }
    };
    ws.onclose = (ev) => {
      if (ws !== this.ws || this.stopped) return;
      if (ev.code === CLOSE_ENDED) {
        this.stopped = true;
        this.setState('closed', ev.reason);
        return;
      }
      // A dropped slow watcher comes straight back for a fresh screen; anything else backs off.
      const delay = ev.code === CLOSE_SLOW_WATCHER ? 0 : Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempts);
      this.attempts += 1;
      this.setState('reconnecting', ev.reason || undefined);
      this.timer = window.setTimeout(() => this.connect(), delay);
    };
  }

  private setState(state: Connection, detail?: string): void {
    this.state = state;
    for (const l of this.listeners) l.connection?.(state, detail);
  }
}
