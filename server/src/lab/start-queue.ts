import { FaultlineError } from '../errors/index.js';

/**
 * A place in the start queue, taken when a start is admitted (before any engine work) and given
 * up when the start has run, was handed a warm environment instead, or was cancelled.
 */
export interface StartTicket {
  /** Starts admitted before this one that have not begun yet. */
  readonly ahead: number;
  /**
   * Run `work` when this ticket's turn comes (at most `concurrency` at once). Rejects without
   * running it when `signal` aborts while waiting. Called at most once per ticket.
   */
  run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Give the place up without running (a warm environment was handed out instead). */
  release(): void;
}

export interface ReserveOptions {
  /** Called whenever the number of starts ahead changes while this one waits. */
  onPosition?: (ahead: number) => void;
  /**
   * Refuse (lab_full) when the queue already holds its maximum. Off for the server's own work
   * (warm pool, CLI): only requests from people are refused at admission.
   */
  admission?: boolean;
}

interface Waiting {
  ahead: number;
  onPosition: ((ahead: number) => void) | undefined;
  /** Set once run() was called: the work to begin when a slot is free. */
  begin: (() => void) | undefined;
  cancel: (() => void) | undefined;
}

/**
 * Environments brought up at once, and who waits for a turn. Every bring-up (network, containers,
 * readiness, fault) holds one slot, so a burst waits here instead of piling onto the engine and
 * running out its deadlines. Positions are counted from admission, in order; a start that is not
 * ready to run yet (a reset still removing its old environment) is passed by the ones behind it.
 *
 * p-limit caps concurrency but keeps no per-caller position, no reservation before the work is
 * known and no way to withdraw one waiting call, which is what this needs.
 */
export class StartQueue {
  private readonly waiting: Waiting[] = [];
  private active = 0;

  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
  ) {}

  /** Starts admitted and not begun yet. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Starts under way. */
  get activeCount(): number {
    return this.active;
  }

  /** Take a place in the queue; with `admission`, a full queue refuses here, before anything is created. */
  reserve(options: ReserveOptions = {}): StartTicket {
    if (options.admission && this.waiting.length >= this.maxWaiting) {
      throw new FaultlineError(
        'lab_full',
        `The lab is busy: ${this.waiting.length} environments are already waiting to start (at most ${this.maxWaiting}, ` +
          `FAULTLINE_START_QUEUE_MAX) and ${this.active} are starting. Try again in a minute.`,
      );
    }
    const entry: Waiting = { ahead: this.waiting.length, onPosition: options.onPosition, begin: undefined, cancel: undefined };
    this.waiting.push(entry);
    let used = false;
    const position = () => (this.waiting.includes(entry) ? entry.ahead : 0);
    return {
      get ahead() {
        return position();
      },
      run: <T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
        if (used) return Promise.reject(new FaultlineError('internal', 'a start ticket was used twice'));
        used = true;
        return new Promise<T>((resolve, reject) => {
          const onAbort = () => {
            this.remove(entry);
            reject(new FaultlineError('conflict', 'The start was cancelled while it waited for its turn'));
          };
          if (signal?.aborted) {
            onAbort();
            return;
          }
          signal?.addEventListener('abort', onAbort, { once: true });
          entry.cancel = () => signal?.removeEventListener('abort', onAbort);
          entry.begin = () => {
            entry.cancel?.();
            this.active += 1;
            Promise.resolve()
              .then(work)
              .then(resolve, reject)
              .finally(() => {
                this.active -= 1;
                this.dispatch();
              });
          };
          this.dispatch();
        });
      },
      release: () => {
        if (used) return;
        used = true;
        this.remove(entry);
      },
    };
  }

  private remove(entry: Waiting): void {
    const at = this.waiting.indexOf(entry);
    if (at < 0) return;
    this.waiting.splice(at, 1);
    entry.cancel?.();
    this.renumber();
    this.dispatch();
  }

  /** Begin the earliest starts that are ready to run while slots are free. */
  private dispatch(): void {
    let begun = false;
    for (let i = 0; i < this.waiting.length && this.active < this.concurrency; ) {
      const entry = this.waiting[i]!;
      if (!entry.begin) {
        i += 1;
        continue;
      }
      this.waiting.splice(i, 1);
      begun = true;
      entry.begin();
    }
    if (begun) this.renumber();
  }

  private renumber(): void {
    this.waiting.forEach((entry, index) => {
      if (entry.ahead === index) return;
      entry.ahead = index;
      entry.onPosition?.(index);
    });
  }
}
