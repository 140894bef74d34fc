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
      if (fs.existsSync(file)) {
        const aside = `${file}.${Date.now()}.unreadable`;
        fs.renameSync(file, aside);
        logger.warn({ file, aside }, 'the existing recording has no readable asciicast v2 header; kept it aside and started a new one');
      }
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

/**
 * The header of an existing recording, read from its first line. A torn last line (a crash in
 * mid-write) is cut off first so appends start on a clean line.
 */
function readHeader(file: string): CastHeader | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 64 * 1024));
    fs.readSync(fd, head, 0, head.length, 0);
    const firstNewline = head.indexOf(0x0a);
    if (firstNewline < 0) return undefined;
    const end = lastNewline(fd, size);
    if (end + 1 < size) fs.ftruncateSync(fd, end + 1);
    let header: CastHeader;
    try {
      header = JSON.parse(head.subarray(0, firstNewline).toString('utf8')) as CastHeader;
    } catch {
      return undefined;
    }
    return header.version === 2 && typeof header.timestamp === 'number' ? header : undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Offset of the last newline, scanning back from the end in blocks. */
function lastNewline(fd: number, size: number): number {
  const block = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0; end -= block.length) {
    const start = Math.max(0, end - block.length);
    const n = fs.readSync(fd, block, 0, end - start, start);
    const at = block.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) return start + at;
  }
  return -1;
}
