import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../server/src/checks/index.js';
import type { RenderedCheck } from '../server/src/scenarios/render.js';
import { checksForRole, eventForRole } from '../server/src/sessions/view.js';
import { applyRound, pendingCheck } from '../server/src/sessions/verdict.js';

const check = (id: string, advisory = false): RenderedCheck => ({
  id,
  title: `${id} answers with the new address`,
  symptom: `${id} opens`,
  host: advisory ? 'ns' : 'checker',
  advisory,
  reads: [],
  script: 'true',
  timeoutSeconds: 5,
});
const result = (id: string, passed: boolean, advisory = false): CheckResult => ({
  id,
  title: check(id).title,
  symptom: check(id).symptom,
  advisory,
  passed,
  message: `${id} said ${String(passed)}`,
  durationMs: 1,
});
const a = check('a');
const b = check('b');
const esc = check('esc');

describe('a check round’s verdict', () => {
  it('the first round sets a baseline without change events; later flips are changes', () => {
    const first = applyRound([], [a, b], [result('a', false), result('b', false)], 't1');
    expect(first.changed).toEqual([]);
    expect(first.allPass).toBe(false);
    const second = applyRound(first.checks, [a, b], [result('a', true), result('b', false)], 't2');
    expect(second.changed.map((c) => [c.id, c.passed])).toEqual([['a', true]]);
    const third = applyRound(second.checks, [a, b], [result('a', true), result('b', true)], 't3');
    expect(third.changed.map((c) => [c.id, c.passed])).toEqual([['b', true]]);
    expect(third.allPass).toBe(true);
  });

  it('an escalation’s pending check does not pass, and its first result is a change even when red', () => {
    const solved = applyRound([], [a], [result('a', true)], 't1').checks;
    const withPending = [...solved, pendingCheck(esc, 't2')];
    const next = applyRound(withPending, [a, esc], [result('a', true), result('esc', false)], 't3');
    expect(next.changed.map((c) => [c.id, c.passed])).toEqual([['esc', false]]);
    expect(next.allPass).toBe(false);
    expect(next.checks.find((c) => c.id === 'esc')?.pending).toBeUndefined();
  });

  it('an advisory check is shown but never decides the verdict', () => {
    const hint = check('hint', true);
    const failingAdvisory = applyRound([], [a, hint], [result('a', true), result('hint', false, true)], 't1');
    expect(failingAdvisory.allPass).toBe(true);
    const onlyAdvisory = applyRound([], [hint], [result('hint', true, true)], 't1');
    expect(onlyAdvisory.allPass).toBe(false);
  });

  it('a round that started before the escalation (no result for its check) cannot solve the session', () => {
    const withPending = [{ ...result('a', true), at: 't1' }, pendingCheck(esc, 't2')];
    const stale = applyRound(withPending, [a, esc], [result('a', true)], 't3');
    expect(stale.allPass).toBe(false);
    expect(stale.checks.map((c) => c.id)).toEqual(['a', 'esc']);
    expect(stale.checks[1]?.pending).toBe(true);
  });
});

describe('what a candidate receives', () => {
  const checks = [{ ...result('stale-hosts-pin', false), at: 't1' }, pendingCheck(esc, 't2')];

  it('checks carry the symptom and state under a positional id, no title, message or check id', () => {
    expect(checksForRole(checks, 'candidate', 'symptom')).toEqual([
      { id: 'check-1', symptom: 'stale-hosts-pin opens', passed: false, at: 't1' },
      { id: 'check-2', symptom: 'esc opens', passed: false, pending: true, at: 't2' },
    ]);
    expect(checksForRole(checks, 'interviewer', 'symptom')).toBe(checks);
  });

  it('events are reduced to what the page shows, and watcher-only events are dropped', () => {
    const event = (type: Parameters<typeof eventForRole>[0]['type'], data: Record<string, unknown>) => ({ id: 1, at: 't', type, data });
    expect(eventForRole(event('escalation', { id: 'ttl-cache', title: 'A record went stale', notice: 'www is down too' }), 'candidate', 'symptom')?.data).toEqual({ notice: 'www is down too' });
    expect(eventForRole(event('check_changed', { id: 'x', title: 'T', symptom: 'S', passed: false, message: 'M' }), 'candidate', 'symptom')?.data).toEqual({ symptom: 'S', passed: false });
    expect(eventForRole(event('created', { scenarioId: 'dns-stale-record', mode: 'interview' }), 'candidate', 'symptom')?.data).toEqual({});
    expect(eventForRole(event('unsolved', { cause: 'checks', failing: ['stale-hosts-pin'] }), 'candidate', 'symptom')?.data).toEqual({ failing: 1 });
    for (const type of ['joined', 'left', 'checks', 'note'] as const) expect(eventForRole(event(type, {}), 'candidate', 'symptom')).toBeUndefined();
    const full = event('escalation', { id: 'ttl-cache', title: 'A record went stale', notice: 'n' });
    expect(eventForRole(full, 'viewer', 'symptom')).toBe(full);
  });

  it('with hidden checks the candidate gets no checks and no verdict; with full, titles and messages too', () => {
    expect(checksForRole(checks, 'candidate', 'hidden')).toEqual([]);
    expect(checksForRole(checks, 'interviewer', 'hidden')).toBe(checks);
    const [first] = checksForRole(checks, 'candidate', 'full');
    expect(first).toMatchObject({ id: 'check-1', symptom: 'stale-hosts-pin opens', title: expect.any(String) });
    const event = (type: Parameters<typeof eventForRole>[0]['type']) => ({ id: 1, at: 't', type, data: { symptom: 'S', passed: true } });
    for (const type of ['solved', 'unsolved', 'check_changed'] as const) expect(eventForRole(event(type), 'candidate', 'hidden')).toBeUndefined();
    expect(eventForRole(event('solved'), 'viewer', 'hidden')).toBeDefined();
  });
});
