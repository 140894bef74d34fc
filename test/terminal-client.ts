import WebSocket from 'ws';

const TAIL = 64 * 1024;
const OVERLAP = 4096;

export interface Control {
  type: string;
  [key: string]: unknown;
}

/**
 * A terminal client as the browser would be: offers the subprotocols, acknowledges what it
 * receives (like xterm's write callback) and keeps everything it got for assertions.
 */
export class TermClient {
  /** Everything received, unless constructed with keepOutput false (benchmarks). */
  output = '';
  /** The last TAIL characters received. */
  tail = '';
  snapshot = '';
  private readonly watches = new Set<{ pattern: RegExp; hit: boolean }>();
  readonly messages: Control[] = [];
  bytes = 0;
  closed: Promise<{ code: number; reason: string }>;
  private readonly decoder = new TextDecoder();
  private waiters: Array<() => void> = [];

  private constructor(
    readonly ws: WebSocket,
    private readonly ack: boolean,
    private readonly keepOutput: boolean,
  ) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data, isBinary) => {
      const buf = data as Buffer;
      if (isBinary) {
        this.bytes += buf.length;
        const text = this.decoder.decode(buf, { stream: true });
        const window = this.tail.slice(-OVERLAP) + text;
        for (const w of this.watches) if (!w.hit && w.pattern.test(window)) w.hit = true;
        this.tail = window.length > TAIL ? window.slice(-TAIL) : window;
        if (this.keepOutput) this.output += text;
        if (this.ack) ws.send(JSON.stringify({ type: 'ack', bytes: buf.length }));
      } else {
        const msg = JSON.parse(buf.toString()) as Control;
        this.messages.push(msg);
        if (msg.type === 'snapshot') this.snapshot = String(msg.data);
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static connect(
    baseUrl: string,
    sessionId: string,
    token: string,
    opts: { origin?: string; ack?: boolean; protocols?: string[]; keepOutput?: boolean } = {},
  ): Promise<TermClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/sessions/${sessionId}/terminal`;
    const ws = new WebSocket(url, opts.protocols ?? ['faultline.v1', `faultline.token.${token}`], {
      ...(opts.origin ? { origin: opts.origin } : {}),
      perMessageDeflate: false,
    });
    const client = new TermClient(ws, opts.ack ?? true, opts.keepOutput ?? true);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { status: res.statusCode, body })));
      });
      ws.once('error', reject);
    });
  }

  type(text: string): void {
    this.ws.send(Buffer.from(text), { binary: true });
  }

  control(message: Control): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Wait until the condition holds on what has been received; rejects with what was seen. */
  async until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; output tail: ${JSON.stringify(this.tail.slice(-400))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Wait for a pattern in the output: looked for in what is already there, then in each chunk
   * as it arrives (with an overlap), so a long flood costs linear time, not a rescan per frame.
   */
  async untilOutput(pattern: RegExp, timeoutMs?: number): Promise<void> {
    const watch = { pattern, hit: pattern.test(this.tail) };
    if (watch.hit) return;
    this.watches.add(watch);
    try {
      await this.until(`output ${pattern}`, () => watch.hit, timeoutMs);
    } finally {
      this.watches.delete(watch);
    }
  }

  async message(type: string, predicate: (m: Control) => boolean = () => true, timeoutMs?: number): Promise<Control> {
    let found: Control | undefined;
    await this.until(`a ${type} message`, () => (found = this.messages.find((m) => m.type === type && predicate(m))) !== undefined, timeoutMs);
    return found as Control;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}
