/** 754 → "12:34"; 3723 → "1:02:03". */
export function clock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function secondsBetween(from: string, to: string | number): number {
  const end = typeof to === 'number' ? to : Date.parse(to);
  return (end - Date.parse(from)) / 1000;
}

export function timeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export const PHASES: ReadonlyArray<{ id: string; label: string }> = [
  { id: 'queued', label: 'Queued' },
  { id: 'network', label: 'Creating the network' },
  { id: 'containers', label: 'Creating containers' },
  { id: 'starting', label: 'Starting hosts' },
  { id: 'waiting', label: 'Waiting for services' },
  { id: 'fault', label: 'Breaking things' },
  { id: 'ready', label: 'Ready' },
];

/** A moment as date and time in the viewer's locale and zone: "2 Dec 2026, 09:41". */
export function localTime(iso: string): string {
  return new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}
