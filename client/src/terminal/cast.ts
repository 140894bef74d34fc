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
}

export function parseCast(text: string, idleLimit?: number): Cast {
  const lines = text.split('\n').filter((l) => l.trim());
  const header = JSON.parse(lines[0] ?? '{}') as { width?: number; height?: number; title?: string };
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
  return { width: header.width ?? 80, height: header.height ?? 24, title: header.title ?? '', events, duration: at };
}

/** "check site-by-name passed" → a label and a tone for the marker list. */
export function describeMarker(label: string): { text: string; tone: 'good' | 'bad' | 'info' } {
  const check = /^check (\S+) (passed|failed)$/.exec(label);
  if (check) return { text: `Check ${check[1]} ${check[2] === 'passed' ? 'turned green' : 'turned red'}`, tone: check[2] === 'passed' ? 'good' : 'bad' };
  if (label === 'solved') return { text: 'Solved', tone: 'good' };
  if (label === 'unsolved') return { text: 'No longer solved', tone: 'bad' };
  if (label.startsWith('hint ')) return { text: `Hint ${label.slice(5)} revealed`, tone: 'info' };
  if (label.startsWith('escalation ')) return { text: `Escalation: ${label.slice(11)}`, tone: 'bad' };
  if (label === 'note') return { text: 'Interviewer note', tone: 'info' };
  if (label === 'reset') return { text: 'Environment reset', tone: 'info' };
  return { text: label, tone: 'info' };
}
