import { describe, expect, it } from 'vitest';
import { EventBudget } from '../server/src/sessions/event-budget.js';

describe('a session\'s event budget', () => {
  it('keeps everything up to the budget, then one marker, then only what decides the outcome', () => {
    const budget = new EventBudget(() => 0, 3);
    expect(['check_changed', 'joined', 'left'].map((t) => budget.admit('s', t as 'joined'))).toEqual(['record', 'record', 'record']);
    expect(budget.admit('s', 'check_changed')).toBe('mark');
    expect(budget.admit('s', 'check_changed')).toBe('drop');
    expect(budget.admit('s', 'joined')).toBe('drop');
    expect(budget.admit('s', 'solved')).toBe('record');
    expect(budget.admit('s', 'note')).toBe('record');
    expect(budget.admit('s', 'ended')).toBe('record');
    // Another session has its own budget.
    expect(budget.admit('t', 'check_changed')).toBe('record');
  });

  it('counts what the store already holds (a restarted server) and forgets a session on request', () => {
    let stored = 3;
    const budget = new EventBudget(() => stored, 3);
    expect(budget.admit('s', 'left')).toBe('mark');
    budget.forget('s');
    stored = 10;
    expect(budget.admit('s', 'left')).toBe('drop');
  });
});
