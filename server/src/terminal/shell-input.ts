import type { Shell } from '../runtime/exec.js';
import type { Client } from './session-terminal.js';

/** Keystrokes held while no shell is attached yet (the first connect, a shell respawning). */
const MAX_PENDING = 64 * 1024;
/**
 * Input queued toward a shell that does not read it: above HIGH_WATER the candidates' sockets
 * stop being read until it drains; above MAX (what was already in flight) it is dropped.
 */
const HIGH_WATER = 256 * 1024;
const MAX = 1024 * 1024;
/**
 * Input per session: a paste of up to BURST goes in at once, then RATE per second; past it the
 * sockets are not read for the time it takes to refill. A person never gets near it (fast typing
 * is tens of bytes a second); a flood costs the server CPU every other session shares, twice,
 * since the tty echoes it back as output the mirror parses and the recorder writes. At 256 KiB/s
 * forty flooding sessions on two cores held others' echo p99 at 3.8 s (docs/performance.md).
 */
const RATE = 32 * 1024;
const BURST = 1024 * 1024;

export interface ShellInputHost {
  readonly clients: Iterable<Client>;
  shell(): Shell | undefined;
  /** Whether the shell's output is paused for a candidate's acknowledgements. */
  outputPaused(): boolean;
  /** Bytes that reached the shell (counted, recorded, Enter noticed). */
  written(data: Buffer): void;
  /** Tell one socket something went wrong (an `error` message). */
  tell(client: Client, code: string, message: string): void;
}

/** The candidate's keystrokes on their way to the shell, bounded at every step. */
export class ShellInput {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Set once input was dropped (told to the candidate once) until the shell reads again. */
  private dropped = false;
  /** The shell stream whose 'drain' flow control is waiting for. */
  private drainWait: Shell['stream'] | undefined;
  private budget = BURST;
  private budgetAt = Date.now();
  /** Set while the sockets wait for the input budget to refill. */
  private refill: NodeJS.Timeout | undefined;

  constructor(private readonly host: ShellInputHost) {}

  write(client: Client, data: Buffer): void {
    const shell = this.host.shell();
    if (shell) {
      this.send(shell, data, client);
      return;
    }
    if (this.pendingBytes + data.length > MAX_PENDING) {
      this.drop(client, `the shell is not open yet and ${MAX_PENDING / 1024} KiB of keystrokes are already waiting for it`);
      return;
    }
    this.pending.push(data);
    this.pendingBytes += data.length;
  }

  /** A shell was attached: what was typed before it goes in first. */
  attached(shell: Shell): void {
    const pending = this.pending;
    this.discardPending();
    for (const data of pending) this.send(shell, data);
  }

  /** Keystrokes typed for an environment that is gone are not replayed into the next one. */
  discardPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  /**
   * Flow control: while the shell has not drained what was written to it, the candidates'
   * sockets are not read. Not while its output is paused for a candidate's acknowledgements,
   * which travel on the same socket (a shell blocked on output would never drain its input):
   * then input past MAX is dropped instead.
   */
  update(): void {
    const stream = this.host.shell()?.stream;
    if (this.drainWait !== stream) this.drainWait = undefined;
    const backlog = stream ? stream.writableLength : 0;
    if (backlog === 0) this.dropped = false;
    const hold = (stream !== undefined && backlog >= HIGH_WATER && !this.host.outputPaused()) || this.refill !== undefined;
    for (const c of this.host.clients) {
      if (c.role !== 'candidate') continue;
      if (hold && !c.ws.isPaused) c.ws.pause();
      else if (!hold && c.ws.isPaused) c.ws.resume();
    }
    if (hold && stream && this.drainWait !== stream) {
      this.drainWait = stream;
      stream.once('drain', () => {
        if (this.drainWait === stream) this.drainWait = undefined;
        this.update();
      });
    }
  }

  private send(shell: Shell, data: Buffer, client?: Client): void {
    if (shell.stream.writableLength + data.length > MAX) {
      // Only what was already read from a socket before it was paused can get here.
      this.drop(client, 'the shell is not reading its input');
      return;
    }
    shell.stream.write(data);
    this.host.written(data);
    this.spend(data.length);
    this.update();
  }

  private spend(bytes: number): void {
    const now = Date.now();
    this.budget = Math.min(BURST, this.budget + ((now - this.budgetAt) / 1000) * RATE) - bytes;
    this.budgetAt = now;
    if (this.budget >= 0 || this.refill) return;
    this.refill = setTimeout(
      () => {
        this.refill = undefined;
        this.update();
      },
      Math.ceil((-this.budget / RATE) * 1000),
    );
    this.refill.unref();
  }

  private drop(client: Client | undefined, why: string): void {
    if (this.dropped) return;
    this.dropped = true;
    if (client) this.host.tell(client, 'input_dropped', `Some keystrokes were dropped because ${why}. Wait for the terminal to catch up, then type again.`);
  }
}
