// Interview windows are booked in a time zone (an IANA name) that may not be the browser's:
// the interviewer picks a wall-clock time there, and everyone sees it there and in their own zone.

import type { InviteWindow } from './types.js';

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Every zone the browser knows, with its own zone (and UTC) in the list even where Intl leaves them out. */
export function timeZones(): string[] {
  const zones = new Set(Intl.supportedValuesOf('timeZone'));
  zones.add(browserTimeZone());
  zones.add('UTC');
  return [...zones].sort();
}

/** How far `timeZone`'s wall clock is ahead of UTC at the instant `utcMs`, in ms. */
function offsetAt(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * "2026-12-03T10:30" (a datetime-local value) read as a wall-clock time in `timeZone`, as an ISO
 * instant. Two passes settle the offset across a DST change; a time skipped by one lands just after it.
 */
export function zonedToIso(local: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let utc = wall - offsetAt(wall, timeZone);
  utc = wall - offsetAt(utc, timeZone);
  return new Date(utc).toISOString();
}

/** A datetime-local value for an instant, on the wall clock of `timeZone`. */
export function isoToZoned(iso: string | number, timeZone: string): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  return new Date(ms + offsetAt(ms, timeZone)).toISOString().slice(0, 16);
}

export function formatInZone(iso: string, timeZone?: string): string {
  // dateStyle and timeZoneName do not mix in Intl: the fields are spelled out.
  return new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(
    new Date(iso),
  );
}

/** "3 Dec 2026, 10:30 CET (Europe/Berlin)", with the local time added when the zones differ. */
export function windowStart(window: InviteWindow): { zoned: string; local: string | undefined } {
  const zoned = `${formatInZone(window.opensAt, window.timeZone)} (${window.timeZone})`;
  const local = formatInZone(window.opensAt);
  return { zoned, local: local === formatInZone(window.opensAt, window.timeZone) ? undefined : local };
}

/** "10:30–11:30 CET (Europe/Berlin)": a window on one line. */
export function windowText(window: InviteWindow, timeZone: string = window.timeZone): string {
  const start = formatInZone(window.opensAt, timeZone);
  const end = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(new Date(window.closesAt));
  return `${start} – ${end}`;
}
