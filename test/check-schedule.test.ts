import { describe, expect, it } from 'vitest';
import { periodicCheckDelayMs } from '../server/src/sessions/check-schedule.js';

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
