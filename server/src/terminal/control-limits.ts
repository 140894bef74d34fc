/**
 * Per-socket budget for control messages that make the server answer (invalid ones today): a
 * token bucket, so a flood of them costs the server a bounded amount of work.
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {
    this.tokens = capacity;
  }

  /** Take one token if there is one. */
  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Control messages answered per socket in a burst, and per second after it. */
export const CONTROL_BURST = 50;
export const CONTROL_PER_SECOND = 20;
/** A socket over its budget is told so at most this often; the messages themselves are dropped. */
export const CONTROL_WARN_INTERVAL_MS = 10_000;
interface Budgeted {
  controlWarnedAt: number;
}

/** Whether a socket over its budget should be told so now (at most every CONTROL_WARN_INTERVAL_MS). */
export function shouldWarn(client: Budgeted, now = Date.now()): boolean {
  if (now - client.controlWarnedAt < CONTROL_WARN_INTERVAL_MS) return false;
  client.controlWarnedAt = now;
  return true;
}

/** The shell is resized at most this often, to the latest size asked for. */
export const RESIZE_INTERVAL_MS = 250;

/**
 * Resizes are coalesced: applied at most every RESIZE_INTERVAL_MS, to the latest size asked for,
 * so a flood costs one engine call, one database write and one recorded line per interval.
 */
export class ResizeCoalescer {
  private pending: { cols: number; rows: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastApplied = 0;

  /** `apply` answers whether it changed anything (an unchanged size does not start an interval). */
  constructor(private readonly apply: (cols: number, rows: number) => boolean) {}

  request(cols: number, rows: number): void {
    this.pending = { cols, rows };
    if (this.timer) return;
    const wait = this.lastApplied + RESIZE_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private flush(): void {
    const size = this.pending;
    this.pending = undefined;
    if (size && this.apply(size.cols, size.rows)) this.lastApplied = Date.now();
  }
}
