import type { Author, CheckVisibility, SessionView } from '../contract/index.js';
import { FaultlineError } from '../errors/index.js';
import type { Lab, LabEnvironment } from '../lab/index.js';
import type { Shell } from '../runtime/exec.js';
import type { Config } from '../config/index.js';
import type { SessionStore } from './store.js';
import { SessionCore } from './core.js';
import { HostWatch, type HostWatchHost } from './host-watch.js';
import { Invites } from './invites.js';
import { Lifecycle, type CreateInput, type Tokens } from './lifecycle.js';
import { LiveChecks, type RoundReason } from './live-checks.js';
import { Presence } from './presence.js';
import { recover, sweepOrphans, type Recovered, type RecoveryHost } from './recovery.js';
import { Retention, type CandidateSession, type FinishedSession, type SessionFiles } from './retention.js';
import { badToken, notRunning, unknownSession } from './refusals.js';
import { loadLinkKey, tokenMatches } from './tokens.js';
import { LIVE_STATES, RUNNING_STATES, type Note, type Role, type Score, type SessionEvent, type SessionRecord, type TimedCheckResult } from './types.js';
import { sessionView } from './view.js';

export type { ClosedReason } from './core.js';
export type { CreateInput, Tokens } from './lifecycle.js';

/** Engine liveness: a ping this often; stopped lab containers looked for this often (a missed event). */
const ENGINE_PING_MS = 2000;
const STOPPED_SWEEP_MS = 10_000;
/** Automatic host restarts are counted over this window (FAULTLINE_HOST_RESTARTS). */
const HOST_RESTART_WINDOW_MS = 10 * 60_000;
/** After a host stops, wait this long before acting: an engine shutting down stops every host. */
const HOST_SETTLE_MS = 1000;
/** Notes one session keeps (each at most 4000 characters, see the API). */
const MAX_NOTES = 200;

/**
 * Owns session state. The rooms each keep one concern: lifecycle.ts (the state machine, from
 * creation to the end), live-checks.ts (rounds and the verdict), presence.ts (who is connected),
 * invites.ts (the schedule, time and what the candidate sees), recovery.ts and host-watch.ts
 * (what survives a restart, hosts that stop). The terminal gateway and HTTP routes call in here
 * and listen to the events it emits.
 */
export class Sessions extends SessionCore {
  private reaper: NodeJS.Timeout | undefined;
  private hostWatch: HostWatch | undefined;
  private readonly checks: LiveChecks;
  private readonly lifecycle: Lifecycle;
  private readonly presence: Presence;
  private readonly invites: Invites;
  private readonly retention: Retention;

  constructor(config: Config, lab: Lab, store: SessionStore, files: SessionFiles) {
    super(config, lab, store);
    this.retention = new Retention(store, files);
    this.checks = new LiveChecks(this);
    this.lifecycle = new Lifecycle(this, this.checks, loadLinkKey(config.dataDir));
    this.presence = new Presence(this, this.checks);
    this.invites = new Invites(this, this.lifecycle);
  }

  /** Do `work` as `author`: what it records (timeline entries, notes, the score, the creator) names them. */
  as<T>(author: Author, work: () => T): T {
    return this.author.run(author, work);
  }

  /** The candidate read the privacy notice and went on (once per session on the timeline). */
  acknowledgeNotice(id: string): void {
    const record = this.get(id);
    if (this.store.hasEvent(id, 'notice')) return;
    this.recordEvent(record.id, 'notice', { accepted: true });
  }

  /** Begin a session: answers at once; the environment comes up in the background (or at Start). */
  create(input: CreateInput): { record: SessionRecord; tokens: Tokens } {
    return this.lifecycle.create(input);
  }

  /** The role a token grants on a session; unknown tokens are refused without saying why. */
  authenticate(id: string, token: string | undefined): { record: SessionRecord; role: Role } {
    const record = this.live.get(id)?.record ?? this.store.get(id);
    if (!record) throw unknownSession(id);
    if (token) {
      for (const [role, hash] of Object.entries(record.tokenHashes) as Array<[Role, string]>) {
        if (tokenMatches(token, hash)) return { record, role };
      }
    }
    throw badToken(token);
  }

  /** A stored record, or the newer copy in memory while the session is live (no second read). */
  current(stored: SessionRecord): SessionRecord {
    return this.live.get(stored.id)?.record ?? stored;
  }

  /** Every role's token of a session made from the link key (older sessions: undefined). */
  tokensOf(id: string): Tokens | undefined {
    return this.lifecycle.tokensOf(this.get(id));
  }

  view(id: string, role: Role): SessionView {
    const record = this.get(id);
    return sessionView({
      record,
      scenario: (scenarioId) => this.lab.scenario(scenarioId),
      role,
      invite: this.invites.status(record),
      notes: () => this.store.notes(id),
      events: () => this.store.events(id),
      privacyNotice: this.config.candidateNotice,
    });
  }

  /** Where a scheduled interview's link stands against its window (undefined without one). */
  inviteStatus(record: SessionRecord): ReturnType<Invites['status']> {
    return this.invites.status(record);
  }

  events(id: string): SessionEvent[] {
    this.get(id);
    return this.store.events(id);
  }

  notes(id: string): Note[] {
    return this.store.notes(id);
  }

  /** Live sessions only: the environment of a session that is ready or solved. */
  environment(id: string): LabEnvironment | undefined {
    const live = this.live.get(id);
    return live && RUNNING_STATES.has(live.record.state) && !live.held ? live.lab : undefined;
  }

  openShell(id: string): Promise<Shell> {
    const lab = this.environment(id);
    if (!lab) throw notRunning();
    const ready = this.lab.takeShell(lab);
    return ready ? Promise.resolve(ready) : this.lab.runtime.openShell(lab.env, this.get(id).terminal);
  }

  setTerminalSize(id: string, cols: number, rows: number): void {
    const live = this.live.get(id);
    // Sockets still closing after the server shut down have nothing left to record.
    if (!live || this.closed) return;
    live.record.terminal = { cols, rows };
    this.store.save(live.record);
  }

  /** A terminal socket joined: recorded, and live checks run while anyone is connected. */
  join(id: string, role: Role): void {
    this.presence.join(id, role);
  }

  leave(id: string, role: Role): void {
    this.presence.leave(id, role);
  }

  /** Run the checks now; a round already running is shared rather than doubled. */
  runChecks(id: string, reason: RoundReason = 'request'): Promise<TimedCheckResult[]> {
    return this.checks.run(id, reason);
  }

  /** The candidate submitted a command line: a check round follows shortly (see check-timers.ts). */
  commandSubmitted(id: string): void {
    this.checks.commandSubmitted(id);
  }

  revealHint(id: string): { index: number; text: string } {
    const live = this.requireRunning(id);
    const hints = live.record.content?.hints ?? [];
    const index = live.record.hintsRevealed;
    const text = hints[index];
    if (text === undefined) throw new FaultlineError('conflict', `All ${hints.length} hints are shown already; there are no more.`);
    live.record.hintsRevealed = index + 1;
    this.store.save(live.record);
    this.recordEvent(id, 'hint', { index, text });
    return { index, text };
  }

  /** Notes and the score are the interviewer's own record: they stay writable after the end, when scoring happens. */
  addNote(id: string, text: string): Note {
    const record = this.get(id);
    if (this.store.noteCount(id) >= MAX_NOTES) {
      throw new FaultlineError('conflict', `This session already has ${MAX_NOTES} notes, the most it keeps; put the rest in the score summary`);
    }
    const note = this.store.addNote(record.id, text, this.author.getStore());
    this.recordEvent(id, 'note', { id: note.id, text });
    return note;
  }

  setScore(id: string, score: Omit<Score, 'at'>): Score {
    const record = this.get(id);
    const stored: Score = { ...score, at: new Date().toISOString(), author: this.author.getStore() };
    record.score = stored;
    this.store.save(record);
    this.recordEvent(id, 'score', { outcome: stored.outcome });
    return stored;
  }

  escalate(id: string, escalationId: string): Promise<void> {
    return this.checks.escalate(id, escalationId);
  }

  /** Rebuild the environment with the same seed; the terminal gets a new shell when it is up. */
  reset(id: string): void {
    this.lifecycle.reset(id);
  }

  /** Move on to the next part of the interview's plan. */
  nextPart(id: string): void {
    this.lifecycle.next(id);
  }

  /** The interviewer starts a scheduled interview. */
  start(id: string): void {
    this.invites.start(id);
  }

  /** Withdraw a scheduled invite: its link shows that it was. */
  revoke(id: string): Promise<void> {
    return this.invites.revoke(id);
  }

  extend(id: string, minutes: number): SessionRecord {
    return this.invites.extend(id, minutes);
  }

  setVisibility(id: string, visibility: CheckVisibility): SessionRecord {
    return this.invites.setVisibility(id, visibility);
  }

  giveUp(id: string): string {
    return this.lifecycle.giveUp(id);
  }

  /** End (by request) or expire (time limit) a session and remove its environment. */
  end(id: string, reason: 'ended' | 'expired' = 'ended'): Promise<SessionRecord> {
    return this.lifecycle.end(id, reason);
  }

  /**
   * Delete every trace of the sessions that finished before the cutoff (see retention.ts); with
   * dryRun only list them. Sessions held in memory are never touched.
   */
  purgeFinishedBefore(cutoff: Date, options: { dryRun?: boolean } = {}): FinishedSession[] {
    const due = this.retention.finishedBefore(cutoff).filter((s) => !this.live.has(s.id));
    if (!options.dryRun) this.erase(due.map((s) => s.id));
    return due;
  }

  /** Everything held about one candidate (their name trimmed, without case), for an export. */
  candidateData(name: string): CandidateSession[] {
    return this.retention.byCandidate(name).map((stored) => this.retention.exportSession(this.current(stored)));
  }

  /** Erase one candidate's sessions; refused while one of them is not over. Returns the ids. */
  eraseCandidate(name: string): string[] {
    const records = this.retention.byCandidate(name).map((stored) => this.current(stored));
    const open = records.find((r) => this.live.has(r.id) || LIVE_STATES.has(r.state));
    if (open) {
      throw new FaultlineError('conflict', `Session ${open.id} of this candidate is ${open.state}: end it first, then erase the candidate's data.`);
    }
    const ids = records.map((r) => r.id);
    this.erase(ids);
    return ids;
  }

  private erase(ids: string[]): void {
    if (ids.length === 0) return;
    this.retention.erase(ids);
    for (const id of ids) this.eventBudget.forget(id);
    this.emit('erased', ids);
  }

  /** After a restart: re-adopt what survived, fail what cannot go on, remove what is left over (recovery.ts). */
  recover(): Promise<Recovered> {
    return recover(this.recoveryHost());
  }

  /** The janitor's sweep for environments left behind (recovery.ts). */
  sweepOrphans(): Promise<string[]> {
    return sweepOrphans(this.recoveryHost());
  }

  /** Bring stopped hosts back by themselves (host-watch.ts); the server starts this after recovery. */
  watchHosts(): void {
    const watch = this.lab.watchEngine({ pingMs: ENGINE_PING_MS, sweepMs: STOPPED_SWEEP_MS });
    this.hostWatch = new HostWatch(this.hostWatchHost(), watch, {
      maxRestarts: this.config.hostRestarts,
      windowMs: HOST_RESTART_WINDOW_MS,
      settleMs: HOST_SETTLE_MS,
    });
    this.hostWatch.start();
  }

  private hostWatchHost(): HostWatchHost {
    return {
      lab: this.lab,
      running: () =>
        [...this.live.values()].flatMap((l) => (l.lab && RUNNING_STATES.has(l.record.state) ? [{ id: l.record.id, lab: l.lab }] : [])),
      hold: (id, type, data, message) => {
        const live = this.live.get(id);
        if (!live || this.closed || !RUNNING_STATES.has(live.record.state)) return;
        const first = !live.held;
        live.held = true;
        live.record.notice = message;
        live.record.phase = 'restarting';
        this.store.save(live.record);
        this.recordEvent(id, type, data);
        this.emit('status', id, { state: live.record.state, phase: 'restarting', message });
        if (first) this.emit('closed', id, 'restart');
      },
      release: (id, type, data, notice) => {
        const live = this.live.get(id);
        if (!live || this.closed || !RUNNING_STATES.has(live.record.state)) return;
        live.held = false;
        live.record.notice = notice;
        live.record.phase = undefined;
        this.store.save(live.record);
        this.recordEvent(id, type, data);
        this.emit('status', id, { state: live.record.state, message: notice });
        this.emit('environment', id);
      },
    };
  }

  private recoveryHost(): RecoveryHost {
    return {
      lab: this.lab,
      store: this.store,
      adopt: (record, lab) => {
        // Nobody is connected to a server that just started.
        if (record.candidatePresence?.connected) record.candidatePresence = { connected: false, since: new Date().toISOString() };
        this.live.set(record.id, { record, lab, connections: 0, escalationEpoch: 0 });
      },
      fail: (record, message) => this.lifecycle.fail({ record, connections: 0, escalationEpoch: 0 }, message),
      holds: (envId) => [...this.live.values()].some((l) => l.lab?.env.id === envId),
      removeEnvironment: (envId) => this.removeEnvironment(envId),
    };
  }

  /** Expire sessions past their time limit (and invites past their window); warn shortly before. */
  startReaper(intervalMs = 1000): void {
    this.reaper = setInterval(() => this.tick(), intervalMs);
    this.reaper.unref();
  }

  tick(now = Date.now()): void {
    this.lifecycle.tick(now);
  }

  liveCount(): number {
    return this.live.size;
  }

  /** Live sessions by state, for metrics. */
  countByState(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { record } of this.live.values()) counts[record.state] = (counts[record.state] ?? 0) + 1;
    return counts;
  }

  /** Whether the candidate has a terminal socket open now. */
  candidateConnected(id: string): boolean {
    return (this.live.get(id)?.present?.candidate ?? 0) > 0;
  }

  /**
   * Disk watchdog: overlay2 on ext4 has no per-container quota, so a session whose environment
   * wrote more than the limit is failed with a clear message and its environment removed.
   */
  async enforceDiskLimit(): Promise<string[]> {
    const failed: string[] = [];
    for (const { envId, bytes } of await this.lab.runtime.overDiskLimit()) {
      const live = [...this.live.values()].find((l) => l.lab?.env.id === envId);
      if (!live) continue;
      this.lifecycle.fail(
        live,
        `The environment wrote ${Math.round(bytes / 2 ** 20)} MB, more than the ${this.config.limits.diskMb} MB limit (FAULTLINE_ENV_DISK_MB); it was removed`,
      );
      await this.removeEnvironment(envId);
      failed.push(live.record.id);
    }
    return failed;
  }

  close(): void {
    this.closed = true;
    this.hostWatch?.stop();
    if (this.reaper) clearInterval(this.reaper);
    for (const live of this.live.values()) {
      this.checks.stop(live.record.id);
      // Starts still waiting for a turn are dropped; the next start fails those sessions as interrupted.
      live.starting?.abort();
    }
  }

  /**
   * Resolves when no environment is being brought up or removed (including the removal of one
   * that came up for a session ended meanwhile): a shutdown waits for this.
   */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    await this.hostWatch?.settled();
  }
}
