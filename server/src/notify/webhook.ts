import crypto from 'node:crypto';
import type { Config } from '../config/index.js';
import type { InterviewRow } from '../contract/index.js';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { logger as defaultLogger, type Logger } from '../logging/index.js';

/**
 * Hiring events POSTed to FAULTLINE_WEBHOOK_URL (docs/webhooks.md): signed, queued in memory,
 * delivered one at a time in the background so a slow or broken receiver never holds up a session.
 * Undelivered events do not survive a restart.
 */
export type WebhookEvent = 'candidate.lobby' | 'interview.finished';

/** Who and what an event is about. No links: they carry role tokens, and receivers are often chat channels. */
export type WebhookInterview = { sessionId: string } & Pick<InterviewRow, 'candidateName' | 'interviewerName' | 'scenarios' | 'window'>;

export type CandidateLobbyPayload = WebhookInterview;

/** How it ended, as the dashboard's row says it. */
export type InterviewFinishedPayload = WebhookInterview &
  Pick<InterviewRow, 'status' | 'state' | 'startedAt' | 'endedAt' | 'durationMinutes' | 'solved' | 'firstSolvedAt' | 'outcome'>;

export interface WebhookPayloads {
  'candidate.lobby': CandidateLobbyPayload;
  'interview.finished': InterviewFinishedPayload;
}

/** The lobby event's payload from a dashboard row. */
export function lobbyPayload(row: InterviewRow): CandidateLobbyPayload {
  return {
    sessionId: row.id,
    candidateName: row.candidateName,
    interviewerName: row.interviewerName,
    scenarios: row.scenarios,
    window: row.window,
  };
}

/** The finished event's payload from a dashboard row (its links left out). */
export function finishedPayload(row: InterviewRow): InterviewFinishedPayload {
  return {
    ...lobbyPayload(row),
    status: row.status,
    state: row.state,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    durationMinutes: row.durationMinutes,
    solved: row.solved,
    firstSolvedAt: row.firstSolvedAt,
    outcome: row.outcome,
  };
}

export interface WebhookOptions {
  /** Deliveries waiting; past it the oldest is dropped. */
  queueMax?: number;
  /** Per attempt, from the request to the response's headers. */
  timeoutMs?: number;
  /** Tries per delivery (network errors, timeouts and 5xx are tried again; anything else is not). */
  attempts?: number;
  /** Wait before the second try; doubled before each further one. */
  backoffMs?: number;
  /** How long close() waits for the delivery under way. */
  closeWaitMs?: number;
  logger?: Logger;
}

interface Delivery {
  id: string;
  type: WebhookEvent;
  body: string;
}

/** Why an attempt failed, and whether another one may succeed. */
interface Failure {
  retry: boolean;
  status?: number;
  error?: string;
}

export class Webhook {
  private readonly url: URL | undefined;
  private readonly secret: string;
  private readonly queueMax: number;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly closeWaitMs: number;
  private readonly log: Logger;
  private readonly queue: Delivery[] = [];
  /** Aborts the attempt under way and cuts a backoff short once close() gives up waiting. */
  private readonly closing = new AbortController();
  private closed = false;
  private pump: Promise<void> | undefined;

  constructor(config: Pick<Config, 'webhookUrl' | 'webhookSecret'>, options: WebhookOptions = {}) {
    this.url = config.webhookUrl === undefined ? undefined : new URL(config.webhookUrl);
    this.secret = config.webhookSecret ?? '';
    if (this.url && this.secret.length < 16) {
      throw new FaultlineError('bad_request', 'A webhook URL needs a secret of 16+ characters: set FAULTLINE_WEBHOOK_SECRET');
    }
    this.queueMax = options.queueMax ?? 100;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 1000;
    this.closeWaitMs = options.closeWaitMs ?? 2000;
    // Only the origin is logged: a receiver's path or query often embeds its own secret.
    this.log = (options.logger ?? defaultLogger).child({ webhook: this.url?.origin });
  }

  /** Whether a URL is configured; without one send() does nothing. */
  get enabled(): boolean {
    return this.url !== undefined;
  }

  /** Deliveries waiting or under way. */
  get pending(): number {
    return this.queue.length + (this.pump ? 1 : 0);
  }

  /** Queues the event and returns at once; delivery and its failures only reach the log. */
  send<T extends WebhookEvent>(type: T, payload: WebhookPayloads[T]): void {
    if (!this.url || this.closed) return;
    const at = new Date().toISOString();
    // type and at lead the body, and a payload cannot override them.
    const body = JSON.stringify(Object.assign({ type, at }, payload, { type, at }));
    if (this.queue.length >= this.queueMax) {
      const dropped = this.queue.shift();
      this.log.warn({ dropped: dropped?.id, event: dropped?.type, queueMax: this.queueMax }, 'webhook queue full: dropped the oldest undelivered event');
    }
    this.queue.push({ id: crypto.randomUUID(), type, body });
    this.kick();
  }

  /** Resolves once nothing is waiting or under way. */
  async idle(): Promise<void> {
    while (this.pump) await this.pump;
  }

  /**
   * Stops taking events, waits up to closeWaitMs for the delivery under way, then abandons it and
   * whatever still waits (logged).
   */
  async close(): Promise<void> {
    this.closed = true;
    const pump = this.pump;
    if (!pump) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      pump.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), this.closeWaitMs);
      }),
    ]);
    clearTimeout(timer);
    if (!waited) {
      this.closing.abort();
      await pump;
    }
  }

  private kick(): void {
    if (this.pump) return;
    this.pump = this.drain().finally(() => {
      this.pump = undefined;
      // An event sent after drain() saw an empty queue but before this ran would wait forever.
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      if (this.closing.signal.aborted) {
        this.log.warn({ dropped: this.queue.length + 1 }, 'webhook closed: undelivered events dropped');
        this.queue.length = 0;
        return;
      }
      await this.deliver(next);
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      const failure = await this.attempt(delivery);
      if (!failure) return;
      const last = attempt === this.attempts || !failure.retry || this.closing.signal.aborted;
      this.log.warn(
        { delivery: delivery.id, event: delivery.type, attempt, attempts: this.attempts, status: failure.status, err: failure.error },
        last ? 'webhook delivery failed; giving up on this event' : 'webhook delivery failed; trying again',
      );
      if (last) return;
      await this.pause(this.backoffMs * 2 ** (attempt - 1));
    }
  }

  /** One POST; undefined when the receiver answered 2xx. */
  private async attempt(delivery: Delivery): Promise<Failure | undefined> {
    const url = this.url as URL;
    // Signed per attempt so a retry carries a fresh timestamp; the delivery id stays the same.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = crypto.createHmac('sha256', this.secret).update(`${timestamp}.${delivery.body}`).digest('hex');
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Faultline-Webhook',
          'x-faultline-event': delivery.type,
          'x-faultline-delivery': delivery.id,
          'x-faultline-timestamp': timestamp,
          'x-faultline-signature': `sha256=${signature}`,
        },
        body: delivery.body,
        // A redirect would hand the signed body to an address nobody configured.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.closing.signal]),
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      return { retry: true, error: timedOut ? `no answer within ${this.timeoutMs} ms` : errorMessage(causeOf(err)) };
    }
    // The body is not needed; cancelling it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return undefined;
    if (response.status >= 300 && response.status < 400) {
      return { retry: false, status: response.status, error: 'redirects are not followed: set FAULTLINE_WEBHOOK_URL to the final address' };
    }
    return { retry: response.status >= 500, status: response.status };
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.closing.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.closing.signal.addEventListener('abort', done);
    });
  }
}

/** fetch reports "fetch failed" and keeps the reason (ECONNREFUSED, a DNS failure) in its cause. */
function causeOf(err: unknown): unknown {
  return err instanceof Error && err.cause !== undefined ? err.cause : err;
}
