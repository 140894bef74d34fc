import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  timestamp: number;
  title: string;
}

/**
 * Asciicast v2 recording of one session terminal, append-only. Times are seconds since the
 * header's timestamp, so a server restart continues the same file with increasing times.
 */
export class Recorder {
  private readonly fd: number;
  private readonly start: number;
  private last = 0;
  private outputBytes = 0;
  private truncated = false;

  constructor(
    readonly file: string,
    header: Omit<CastHeader, 'version' | 'timestamp'>,
    private readonly maxOutputBytes: number,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const existing = readHeader(file);
    if (existing) {
      this.start = existing.timestamp;
      this.outputBytes = fs.statSync(file).size;
      this.fd = fs.openSync(file, 'a');
    } else {
      this.start = Math.floor(Date.now() / 1000);
      this.fd = fs.openSync(file, 'w');
      this.line({ version: 2, width: header.width, height: header.height, timestamp: this.start, title: header.title });
    }
  }

  output(text: string): void {
    if (this.truncated) return;
    this.outputBytes += Buffer.byteLength(text);
    if (this.outputBytes > this.maxOutputBytes) {
      this.truncated = true;
      this.marker('recording truncated: output limit reached');
      return;
    }
    this.event('o', text);
  }

  input(text: string): void {
    if (!this.truncated) this.event('i', text);
  }

  resize(cols: number, rows: number): void {
    this.event('r', `${cols}x${rows}`);
  }

  marker(label: string): void {
    this.event('m', label);
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch (err) {
      logger.warn({ file: this.file, err: errorMessage(err) }, 'closing a recording failed');
    }
  }

  private event(kind: 'o' | 'i' | 'r' | 'm', data: string): void {
    const t = Math.max(this.last, Date.now() / 1000 - this.start);
    this.last = t;
    this.line([Number(t.toFixed(6)), kind, data]);
  }

  private line(value: unknown): void {
    // Synchronous appends: a crash loses at most the event being written, never reorders.
    fs.writeSync(this.fd, `${JSON.stringify(value)}\n`);
  }
}

/** The header of an existing recording; a torn last line (crash mid-write) is cut off first. */
function readHeader(file: string): CastHeader | undefined {
  let content: Buffer;
  try {
    content = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const lastNewline = content.lastIndexOf(0x0a);
  if (lastNewline < 0) return undefined;
  if (lastNewline !== content.length - 1) fs.truncateSync(file, lastNewline + 1);
  const header = JSON.parse(content.subarray(0, content.indexOf(0x0a)).toString('utf8')) as CastHeader;
  return header.version === 2 ? header : undefined;
}
