import WebSocket from 'ws';

export interface Control {
  type: string;
  [key: string]: unknown;
}

/**
 * A terminal client as the browser would be: offers the subprotocols, acknowledges what it
 * receives (like xterm's write callback) and keeps everything it got for assertions.
 */
export class TermClient {
  output = '';
  snapshot = '';
  readonly messages: Control[] = [];
  bytes = 0;
  closed: Promise<{ code: number; reason: string }>;
  private readonly decoder = new TextDecoder();
  private waiters: Array<() => void> = [];

  private constructor(
    readonly ws: WebSocket,
    private readonly ack: boolean,
  ) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data, isBinary) => {
      const buf = data as Buffer;
      if (isBinary) {
        this.bytes += buf.length;
        this.output += this.decoder.decode(buf, { stream: true });
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
    opts: { origin?: string; ack?: boolean; protocols?: string[] } = {},
  ): Promise<TermClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/sessions/${sessionId}/terminal`;
    const ws = new WebSocket(url, opts.protocols ?? ['faultline.v1', `faultline.token.${token}`], {
      ...(opts.origin ? { origin: opts.origin } : {}),
      perMessageDeflate: false,
    });
    const client = new TermClient(ws, opts.ack ?? true);
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
      if (left <= 0) throw new Error(`timed out waiting for ${what}; output tail: ${JSON.stringify(this.output.slice(-400))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Matches are searched in what arrived since the last look (plus an overlap), not all output each time. */
  untilOutput(pattern: RegExp, timeoutMs?: number): Promise<void> {
    let from = 0;
    return this.until(
      `output ${pattern}`,
      () => {
        const hit = pattern.test(this.output.slice(from));
        from = Math.max(0, this.output.length - 4096);
        return hit;
      },
      timeoutMs,
    );
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
