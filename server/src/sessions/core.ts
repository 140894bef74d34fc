import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import type { Config } from '../config/index.js';
import type { Author, StatusUpdate } from '../contract/index.js';
import { FaultlineError, errorMessage } from '../errors/index.js';
import type { Lab, LabEnvironment } from '../lab/index.js';
import { logger } from '../logging/index.js';
import { EventBudget, MAX_EVENTS_PER_SESSION } from './event-budget.js';
import { notRunning, sessionOver, unknownSession } from './refusals.js';
import type { SessionStore } from './store.js';
import { LIVE_STATES, RUNNING_STATES, type EventType, type Role, type SessionEvent, type SessionRecord, type State, type TimedCheckResult } from './types.js';

/**
 * Why an environment went away; the terminal closes its shell, and its sockets unless it is a
 * reset, the next part of a plan or a restart of its hosts (host-watch.ts).
 */
export type ClosedReason = 'reset' | 'restart' | 'ended' | 'expired' | 'failed';

/**
 * Timeline entries that are someone's decision: they carry its author (`data.by`) when it is known.
 * Others (ready, checks, expiry) happen by themselves, even when an action set them going.
 */
const AUTHORED: ReadonlySet<EventType> = new Set(['created', 'scheduled', 'hint', 'note', 'escalation', 'reset', 'ended', 'started', 'revoked', 'extended', 'visibility', 'part', 'score']);

export interface SessionEvents {
  event: [sessionId: string, event: SessionEvent];
  status: [sessionId: string, status: StatusUpdate];
  checks: [sessionId: string, checks: TimedCheckResult[], solved: boolean];
  /** The environment is up (first start, reset, or re-adopted after a restart): a shell can open. */
  environment: [sessionId: string];
  closed: [sessionId: string, reason: ClosedReason];
  /** Finished sessions were deleted with their files (retention.ts). */
  erased: [sessionIds: string[]];
}

/** A session the server holds in memory: scheduled, starting or running. */
export interface LiveSession {
  record: SessionRecord;
  lab?: LabEnvironment | undefined;
  checkRound?: Promise<TimedCheckResult[]> | undefined;
  /** Counts escalation setups begun and finished: a round that overlaps one saw a half-made change. */
  escalationEpoch: number;
  connections: number;
  /** Aborted when the session ends (or the server closes) while its environment waits for a turn. */
  starting?: AbortController | undefined;
  /** Hosts are down and being brought back (host-watch.ts): no shell, no checks meanwhile. */
  held?: boolean | undefined;
  /** Sockets per role, and a role's pending 'left' event (see presence.ts). */
  present?: Partial<Record<Role, number>>;
  leaving?: Partial<Record<Role, NodeJS.Timeout>>;
  /** Escalations being applied: the same one asked for twice at once is refused. */
  escalating?: Set<string>;
}

const ALLOWED: Record<State, State[]> = {
  // An invite: started by the interviewer, or withdrawn (ended) or left past its window (expired).
  scheduled: ['starting', 'ended', 'expired'],
  starting: ['ready', 'failed', 'ended', 'expired'],
  ready: ['solved', 'starting', 'ended', 'expired', 'failed'],
  // Solved holds only while every current check passes: a failing check (or an escalation's new one) goes back to ready.
  solved: ['ready', 'starting', 'ended', 'expired', 'failed'],
  expired: [],
  ended: [],
  failed: [],
};

/**
 * What every room of the session service shares: the sessions held in memory, the store, the
 * timeline and the state machine. The rooms (lifecycle.ts, live-checks.ts, presence.ts,
 * invites.ts) each own one concern and reach each other only through this.
 */
export class SessionCore extends EventEmitter<SessionEvents> {
  readonly live = new Map<string, LiveSession>();
  closed = false;
  /** Environments being brought up or removed; settled() waits for them so none is cut off half done. */
  readonly background = new Set<Promise<void>>();
  readonly eventBudget: EventBudget;

  constructor(
    readonly config: Config,
    readonly lab: Lab,
    readonly store: SessionStore,
  ) {
    super();
    this.eventBudget = new EventBudget((id) => store.eventCount(id));
  }

  get(id: string): SessionRecord {
    const record = this.live.get(id)?.record ?? this.store.get(id);
    if (!record) throw unknownSession(id);
    return record;
  }

  /**
   * A session that is not over: once ended, expired or failed its links are read-only (the
   * record, timeline and recording stay readable; nothing changes and the solution is withheld).
   */
  requireOpen(id: string): SessionRecord {
    const record = this.get(id);
    if (!LIVE_STATES.has(record.state)) throw sessionOver(record.state);
    return record;
  }

  requireRunning(id: string): LiveSession {
    const live = this.live.get(id);
    if (!live) throw sessionOver(this.get(id).state);
    if (live.record.state === 'scheduled') throw new FaultlineError('conflict', 'This interview has not been started yet: press Start in the console first.');
    if (!RUNNING_STATES.has(live.record.state) || !live.lab) throw notRunning();
    if (live.held) throw new FaultlineError('conflict', `${live.record.notice ?? 'The environment is being started again'}. Try again once it is back.`);
    return live;
  }

  transition(record: SessionRecord, to: State): void {
    if (!ALLOWED[record.state].includes(to)) {
      throw new FaultlineError('conflict', `This session is ${record.state} and cannot become ${to}.`);
    }
    record.state = to;
  }

  /** Add an entry to the session's timeline (within its budget) and tell listeners. */
  /**
   * Who is acting, for the length of one request's work. The author rides along the call instead of
   * through every method's parameters, down to the events that work records.
   */
  readonly author = new AsyncLocalStorage<Author>();

  recordEvent(id: string, type: EventType, data: Record<string, unknown>): void {
    const author = AUTHORED.has(type) ? this.author.getStore() : undefined;
    if (author) data = { ...data, by: author.name, ...(author.userId ? { byUserId: author.userId } : {}) };
    const admission = this.eventBudget.admit(id, type);
    if (admission === 'drop') return;
    const event = admission === 'mark' ? this.store.addEvent(id, 'events_capped', { kept: MAX_EVENTS_PER_SESSION }) : this.store.addEvent(id, type, data);
    this.emit('event', id, event);
  }

  /** The session is no longer held in memory (over, or never started). */
  forget(id: string): void {
    this.live.delete(id);
    this.eventBudget.forget(id);
  }

  tracked(work: Promise<void>): Promise<void> {
    this.background.add(work);
    const done = () => this.background.delete(work);
    work.then(done, done);
    return work;
  }

  /** Remove an environment (and any shell still held for it), logging rather than throwing. */
  async removeEnvironment(target: LabEnvironment | string): Promise<void> {
    const envId = typeof target === 'string' ? target : target.env.id;
    const removal = this.tracked(typeof target === 'string' ? this.lab.down(target) : this.lab.release(target));
    await removal.catch((err: unknown) => logger.error({ envId, err: errorMessage(err) }, 'removing a leftover environment failed'));
  }
}
