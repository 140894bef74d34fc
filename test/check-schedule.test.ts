import { describe, expect, it } from 'vitest';
import { periodicCheckDelayMs, RoundBudget } from '../server/src/sessions/check-schedule.js';

describe('periodic check rounds', () => {
  it('run at the configured interval while the server is within its budget', () => {
    expect(periodicCheckDelayMs(1, 5000, 4)).toBe(5000);
    expect(periodicCheckDelayMs(20, 5000, 4)).toBe(5000);
  });

  it('stretch with the number of watched sessions beyond it', () => {
    expect(periodicCheckDelayMs(40, 5000, 4)).toBe(10_000);
    expect(periodicCheckDelayMs(100, 5000, 4)).toBe(25_000);
    expect(periodicCheckDelayMs(3, 1000, 0.5)).toBe(6000);
  });
});

describe('rounds after a command', () => {
  it('are allowed in a burst, then at the budgeted rate', () => {
    let now = 0;
    const budget = new RoundBudget(2, () => now);
    expect([budget.take(), budget.take(), budget.take()]).toEqual([true, true, false]);
    now += 499;
    expect(budget.take()).toBe(false);
    now += 1;
    expect(budget.take()).toBe(true);
    now += 10_000;
    expect([budget.take(), budget.take(), budget.take()]).toEqual([true, true, false]);
  });

  it('under one round a second still allow one now and then', () => {
    let now = 0;
    const budget = new RoundBudget(0.5, () => now);
    expect([budget.take(), budget.take()]).toEqual([true, false]);
    now += 1999;
    expect(budget.take()).toBe(false);
    now += 1;
    expect(budget.take()).toBe(true);
  });
});
