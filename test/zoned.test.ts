import { describe, expect, it } from 'vitest';
import { isoToZoned, windowStart, zonedToIso } from '../client/src/lib/zoned.js';

// The dashboard books a wall-clock time in a chosen zone, whatever the browser's own zone is.
describe('interview windows across time zones', () => {
  it('reads a wall-clock time in the chosen zone, in winter and in summer', () => {
    expect(zonedToIso('2026-12-03T10:30', 'Europe/Berlin')).toBe('2026-12-03T09:30:00.000Z');
    expect(zonedToIso('2026-07-03T10:30', 'Europe/Berlin')).toBe('2026-07-03T08:30:00.000Z');
    expect(zonedToIso('2026-12-03T10:30', 'Asia/Kolkata')).toBe('2026-12-03T05:00:00.000Z');
    expect(zonedToIso('2026-12-03T10:30', 'UTC')).toBe('2026-12-03T10:30:00.000Z');
  });

  it('a time a DST change skips lands just after it; a repeated one takes the first', () => {
    expect(zonedToIso('2026-03-29T02:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedToIso('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
  });

  it('refuses what is not a datetime-local value, and goes back the other way', () => {
    expect(zonedToIso('tomorrow', 'UTC')).toBeUndefined();
    expect(isoToZoned('2026-12-03T09:30:00.000Z', 'Europe/Berlin')).toBe('2026-12-03T10:30');
    expect(isoToZoned('2026-07-03T08:30:00.000Z', 'America/New_York')).toBe('2026-07-03T04:30');
  });

  it('names the booked zone, and leaves the local time out when it is the same', () => {
    const start = windowStart({ opensAt: '2026-12-03T09:30:00.000Z', closesAt: '2026-12-03T10:30:00.000Z', timeZone: 'Europe/Berlin' });
    expect(start.zoned).toContain('(Europe/Berlin)');
    const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(windowStart({ opensAt: '2026-12-03T09:30:00.000Z', closesAt: '2026-12-03T10:30:00.000Z', timeZone: here }).local).toBeUndefined();
  });
});
