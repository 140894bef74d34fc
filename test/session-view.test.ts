import { describe, expect, it } from 'vitest';
import type { Scenario } from '../server/src/scenarios/loader.js';
import { giveUpRefusal } from '../server/src/sessions/solution.js';
import { timeLimitStep } from '../server/src/sessions/time-limit.js';
import type { Role, SessionRecord } from '../server/src/sessions/types.js';
import { sessionView } from '../server/src/sessions/view.js';

// What each role's copy of a session carries, without an engine: the record is made by hand.

/** The parts of a scenario a view reads. Hints and escalations are templates until an environment draws the values. */
const scenario = {
  spec: {
    id: 'http-bad-upstream-502',
    title: 'Reports time out',
    category: 'http',
    difficulty: 'medium',
    timeLimitMinutes: 20,
    hints: ['Compare {{read_timeout}} s with how long the page takes.', 'two', 'three'],
    escalations: [
      { id: 'slow-report', title: 'A slow report', description: 'The page takes {{report_ms}} ms, longer than proxy_read_timeout ({{read_timeout}} s).', notice: 'Reports fail.', checks: [] },
    ],
  },
} as unknown as Scenario;
const SOLUTION = 'Raise proxy_read_timeout to 12 s on lb.';

function record(over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: 'a00000000000000',
    scenarioId: scenario.spec.id,
    mode: 'practice',
    state: 'ready',
    tokenHashes: {},
    createdAt: '2030-01-01T10:00:00.000Z',
    readyAt: '2030-01-01T10:01:00.000Z',
    expiresAt: '2030-01-01T10:21:00.000Z',
    warned: false,
    timeLimitMinutes: 20,
    checks: [],
    hintsRevealed: 0,
    escalations: [],
    gaveUp: false,
    terminal: { cols: 80, rows: 24 },
    content: { brief: 'The daily report fails.', solution: SOLUTION, hints: ['one', 'two', 'three'], escalations: [] },
    ...over,
  };
}

const view = (r: SessionRecord, role: Role) => sessionView({ record: r, scenario: () => scenario, role, notes: () => [], events: () => [], privacyNotice: 'recorded' });

describe('the interviewer’s view while the environment is being built', () => {
  it('leaves out hints, escalations and the solution until they are rendered: no template placeholder shows', () => {
    const building = record({ state: 'starting', phase: 'containers', readyAt: undefined, content: undefined });
    const v = view(building, 'interviewer');
    expect(JSON.stringify(v)).not.toMatch(/\{\{/);
    expect(v).not.toHaveProperty('allHints');
    expect(v).not.toHaveProperty('availableEscalations');
    expect(v).not.toHaveProperty('solution');
    expect(v.hints.total).toBe(scenario.spec.hints.length);
  });

  it('has them once the environment was first ready', () => {
    const v = view(record({ mode: 'interview' }), 'interviewer');
    expect(v.allHints).toEqual(['one', 'two', 'three']);
    expect(v.availableEscalations).toEqual([]);
    expect(v.solution).toBe(SOLUTION);
  });
});

describe('who reads the write-up', () => {
  it('a practice candidate: not while working on it, yes after giving up, a solve (also once not solved now, and ended) or the time limit', () => {
    expect(view(record(), 'candidate')).not.toHaveProperty('solution');
    expect(view(record({ state: 'ended', endedAt: '2030-01-01T10:05:00.000Z' }), 'candidate')).not.toHaveProperty('solution');
    expect(view(record({ gaveUp: true }), 'candidate').solution).toBe(SOLUTION);
    const solved = { firstSolvedAt: '2030-01-01T10:04:00.000Z' };
    expect(view(record({ ...solved, state: 'solved', solvedAt: solved.firstSolvedAt }), 'candidate').solution).toBe(SOLUTION);
    expect(view(record({ ...solved, state: 'ready' }), 'candidate').solution).toBe(SOLUTION);
    expect(view(record({ ...solved, state: 'ended', endedAt: '2030-01-01T10:05:00.000Z' }), 'candidate').solution).toBe(SOLUTION);
    expect(view(record({ state: 'expired', endedAt: '2030-01-01T10:21:00.000Z' }), 'candidate').solution).toBe(SOLUTION);
    expect(view(record({ gaveUp: true, state: 'ended', endedAt: '2030-01-01T10:05:00.000Z' }), 'candidate').solution).toBe(SOLUTION);
  });

  it('an interview candidate never, and a viewer never', () => {
    const states: Array<Partial<SessionRecord>> = [
      { state: 'solved', firstSolvedAt: '2030-01-01T10:04:00.000Z', solvedAt: '2030-01-01T10:04:00.000Z' },
      { state: 'expired', endedAt: '2030-01-01T10:21:00.000Z', firstSolvedAt: '2030-01-01T10:04:00.000Z' },
      { state: 'ended', endedAt: '2030-01-01T10:05:00.000Z', gaveUp: true },
    ];
    for (const s of states) {
      expect(view(record({ ...s, mode: 'interview' }), 'candidate')).not.toHaveProperty('solution');
      expect(view(record({ ...s, mode: 'interview' }), 'viewer')).not.toHaveProperty('solution');
    }
  });

  it('giving up is refused while the environment is built and after a solve, with a sentence that says why', () => {
    expect(giveUpRefusal(record({ state: 'starting', readyAt: undefined, content: undefined }))?.message).toMatch(/still being built.*once it is ready/);
    expect(giveUpRefusal(record({ state: 'starting', phase: 'resetting' }))?.message).toMatch(/being rebuilt/);
    expect(giveUpRefusal(record({ firstSolvedAt: '2030-01-01T10:04:00.000Z' }))?.code).toBe('conflict');
    expect(giveUpRefusal(record({ mode: 'interview' }))?.code).toBe('forbidden');
    expect(giveUpRefusal(record())).toBeUndefined();
  });
});

describe('the time limit', () => {
  it('warns once, a quarter of a short limit (or the configured minutes) before the end, then expires', () => {
    const r = record();
    const end = Date.parse(r.expiresAt);
    expect(timeLimitStep(r, end - 6 * 60_000, 5)).toBeUndefined();
    expect(timeLimitStep(r, end - 5 * 60_000, 5)).toEqual({ kind: 'warn', minutesLeft: 5 });
    expect(timeLimitStep({ ...r, warned: true }, end - 60_000, 5)).toBeUndefined();
    expect(timeLimitStep({ ...r, timeLimitMinutes: 8 }, end - 3 * 60_000, 5)).toBeUndefined();
    expect(timeLimitStep({ ...r, warned: true }, end, 5)).toEqual({ kind: 'expire' });
  });

  it('every role’s view says when the warning was given, so a page loaded after it still shows it', () => {
    const warned = record({ warned: true, timeWarning: { at: '2030-01-01T10:16:00.000Z', minutesLeft: 5 } });
    for (const role of ['candidate', 'interviewer', 'viewer'] as const) expect(view(warned, role).timeWarning).toEqual({ at: '2030-01-01T10:16:00.000Z', minutesLeft: 5 });
  });
});
