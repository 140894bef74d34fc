import type { Role, SessionRecord } from '../sessions/index.js';

/**
 * A recording as a role may read it. Watchers get the file as written. A candidate gets only
 * names their own page uses: the scenario's title in the header instead of its id, checks by
 * position (`check-<n>`, the ids of their session view) and escalations by order
 * (`escalation-<n>`), since check and escalation ids name the fault. Output, input, resizes and
 * times are unchanged; a line that does not parse (torn by a crash) is left out rather than
 * passed on unread.
 */
export function recordingForRole(
  text: string,
  role: Role,
  record: Pick<SessionRecord, 'checks' | 'escalations'>,
  scenarioTitle: string,
): string {
  if (role !== 'candidate') return text;
  const checks = new Map(record.checks.map((c, i) => [c.id, `check-${i + 1}`]));
  const escalations = new Map(record.escalations.map((e, i) => [e.id, `escalation-${i + 1}`]));
  const marker = (label: string): string => {
    const check = /^check (\S+) (passed|failed)$/.exec(label);
    if (check) {
      const position = checks.get(check[1] ?? '');
      return position ? `check ${position} ${check[2]}` : `check ${check[2]}`;
    }
    if (label.startsWith('escalation ')) {
      const position = escalations.get(label.slice('escalation '.length));
      return position ? `escalation ${position}` : 'escalation';
    }
    return label;
  };
  const [head = '', ...lines] = text.split('\n');
  const out: string[] = [];
  try {
    out.push(JSON.stringify({ ...(JSON.parse(head) as Record<string, unknown>), title: scenarioTitle }));
  } catch {
    return '';
  }
  for (const line of lines) {
    if (!line.trim()) continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (!Array.isArray(event) || event.length < 3) continue;
    const [time, kind, data] = event as [unknown, unknown, unknown];
    out.push(kind === 'm' && typeof data === 'string' ? JSON.stringify([time, kind, marker(data)]) : line);
  }
  return `${out.join('\n')}\n`;
}
