// Asciicast v2 (the server's recording format): a JSON header line, then [time, kind, data] lines.

export interface CastEvent {
  /** Seconds since the recording started. */
  time: number;
  /** Seconds on the playback clock: like time, but with long idle gaps shortened when asked. */
  at: number;
  kind: 'o' | 'i' | 'r' | 'm';
  data: string;
}

export interface Cast {
  width: number;
  height: number;
  title: string;
  events: CastEvent[];
  duration: number;
  /** Unix seconds the recording's times count from (the header's timestamp). */
  startedAt?: number;
}

export function parseCast(text: string, idleLimit?: number): Cast {
  const lines = text.split('\n').filter((l) => l.trim());
  const header = JSON.parse(lines[0] ?? '{}') as { width?: number; height?: number; title?: string; timestamp?: number };
  const events: CastEvent[] = [];
  let prev = 0;
  let at = 0;
  for (const line of lines.slice(1)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue; // A torn last line after a crash: everything before it still plays.
    }
    if (!Array.isArray(parsed) || parsed.length < 3) continue;
    const [time, kind, data] = parsed as [number, CastEvent['kind'], string];
    const gap = Math.max(0, time - prev);
    at += idleLimit ? Math.min(gap, idleLimit) : gap;
    prev = time;
    events.push({ time, at, kind, data });
  }
  return { width: header.width ?? 80, height: header.height ?? 24, title: header.title ?? '', events, duration: at, startedAt: header.timestamp };
}

/**
 * Seconds since the recording started at a point of the playback clock: idle gaps shortened for
 * playback count in full again, so times match the session's own (the report, the timeline).
 */
export function recordingTime(cast: Cast, at: number): number {
  let lo = 0;
  let hi = cast.events.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((cast.events[mid]?.at ?? Infinity) <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const e = cast.events[found];
  return e ? e.time + (at - e.at) : at;
}

/** What the session calls the checks and escalations a recording's markers name by id. */
export interface MarkerNames {
  check(id: string): string | undefined;
  escalation(id: string): string | undefined;
}

/**
 * A marker in words, with a tone for the list: "check site-by-name passed" becomes "Check turned
 * green: <its title>" for watchers (or the symptom, for a candidate whose recording names checks
 * by position); ids nobody can name any more (a reset removed them) get a plain description.
 */
export function describeMarker(label: string, names?: MarkerNames): { text: string; tone: 'good' | 'bad' | 'info' } {
  const check = /^check(?: (\S+))? (passed|failed)$/.exec(label);
  if (check) {
    const name = check[1] ? names?.check(check[1]) : undefined;
    const passed = check[2] === 'passed';
    const what = passed ? 'turned green' : 'turned red';
    return { text: name ? `Check ${what}: ${name}` : `A check ${what}`, tone: passed ? 'good' : 'bad' };
  }
  // Commands as the shell reported them (server/src/terminal/shell-marks.ts: `command <host> $ <line>`).
  const command = /^command (\S+) \$ (.*)$/s.exec(label);
  if (command) return { text: `${command[1] ?? '?'}$ ${command[2] ?? ''}`, tone: 'info' };
  if (label === 'solved') return { text: 'Solved: every check passes', tone: 'good' };
  if (label === 'unsolved') return { text: 'No longer solved', tone: 'bad' };
  if (label.startsWith('hint ')) return { text: `Hint ${label.slice(5)} revealed`, tone: 'info' };
  if (label === 'escalation' || label.startsWith('escalation ')) {
    const name = names?.escalation(label.slice(11));
    return { text: name ? `Escalation: ${name}` : 'Escalation injected', tone: 'bad' };
  }
  if (label === 'note') return { text: 'Interviewer note', tone: 'info' };
  if (label === 'reset') return { text: 'Environment reset', tone: 'info' };
  if (label.startsWith('recording stopped')) return { text: label.charAt(0).toUpperCase() + label.slice(1), tone: 'bad' };
  return { text: label, tone: 'info' };
}
