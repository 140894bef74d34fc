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

/** Room kept in every cap for the one marker that says recording stopped. */
const STOP_MARKER_ROOM = 256;

/**
 * The space all recordings of a data directory may take together. Counted from the files there
 * at start, then from what recorders write; past it, recordings stop (each with a marker).
 */
export class RecordingSpace {
  used = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {
    this.recount();
  }

  /** Count the files there again: after recordings were deleted (retention, an erased candidate). */
  recount(): void {
    let used = 0;
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const name of names) {
      try {
        used += fs.statSync(path.join(this.dir, name)).size;
      } catch {
        // Removed meanwhile: it takes no space.
      }
    }
    this.used = used;
  }

  /** Whether bytes still fit, leaving room for a stop marker; recorders count what they write in `used`. */
  fits(bytes: number): boolean {
    return this.used + bytes <= this.maxBytes - STOP_MARKER_ROOM;
  }
}

export interface RecordingLimits {
  /** The whole file: header, output, input, resizes and markers. */
  maxBytes: number;
  /** Shared by every recording of the data directory. */
  space?: RecordingSpace | undefined;
}

/**
 * Asciicast v2 recording of one session terminal, append-only. Times are seconds since the
 * header's timestamp, so a server restart continues the same file with increasing times. The
 * file is capped as a whole and so is the directory; when a cap is reached one marker says so
 * and nothing more is written.
 */
export class Recorder {
  private readonly fd: number;
  private readonly start: number;
  private last = 0;
  private size = 0;
  private stopped = false;

  constructor(
    readonly file: string,
    header: Omit<CastHeader, 'version' | 'timestamp'>,
    private readonly limits: RecordingLimits,
  ) {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    const existing = readHeader(file);
    if (existing) {
      this.start = existing.timestamp;
      this.fd = fs.openSync(file, 'a', 0o600);
      this.size = fs.fstatSync(this.fd).size;
      // Stopped before the restart: it stays stopped, without a second marker.
      this.stopped = this.size >= limits.maxBytes - STOP_MARKER_ROOM;
    } else {
      if (fs.existsSync(file)) {
        const aside = `${file}.${Date.now()}.unreadable`;
        fs.renameSync(file, aside);
        logger.warn({ file, aside }, 'the existing recording has no readable asciicast v2 header; kept it aside and started a new one');
      }
      this.start = Math.floor(Date.now() / 1000);
      this.fd = fs.openSync(file, 'w', 0o600);
      this.write(`${JSON.stringify({ version: 2, width: header.width, height: header.height, timestamp: this.start, title: header.title })}\n`);
    }
    // Recordings hold everything typed (passwords included): only the server's user reads them.
    fs.fchmodSync(this.fd, 0o600);
  }

  output(text: string): void {
    this.event('o', text);
  }

  input(text: string): void {
    this.event('i', text);
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
    if (this.stopped) return;
    const line = this.line(kind, data);
    const bytes = Buffer.byteLength(line);
    if (this.size + bytes > this.limits.maxBytes - STOP_MARKER_ROOM) {
      this.stop(`recording stopped: the ${Math.round(this.limits.maxBytes / 1024)} KiB limit per session was reached; input and output past this point were not kept`);
      return;
    }
    if (this.limits.space && !this.limits.space.fits(bytes)) {
      this.stop("recording stopped: the server's space for recordings is full; input and output past this point were not kept");
      return;
    }
    this.write(line);
  }

  private stop(label: string): void {
    this.stopped = true;
    // The room for this line was kept in both caps.
    this.write(this.line('m', label));
  }

  private line(kind: 'o' | 'i' | 'r' | 'm', data: string): string {
    const t = Math.max(this.last, Date.now() / 1000 - this.start);
    this.last = t;
    return `${JSON.stringify([Number(t.toFixed(6)), kind, data])}\n`;
  }

  private write(line: string): void {
    // Synchronous appends: a crash loses at most the event being written, never reorders.
    const written = fs.writeSync(this.fd, line);
    this.size += written;
    if (this.limits.space) this.limits.space.used += written;
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
