import { timeOfDay } from '../lib/format.js';
import type { Note, SessionEvent } from '../lib/types.js';

function hostList(hosts: unknown): string {
  return Array.isArray(hosts) && hosts.length > 0 ? hosts.map(String).join(', ') : '?';
}

/** One line of text for a timeline event; notes show their text when the caller has it. */
export function describeEvent(e: SessionEvent, notes: Note[] = []): string {
  const d = e.data;
  switch (e.type) {
    case 'created':
      return 'Session created';
    case 'ready':
      return 'Environment ready';
    case 'joined':
      return `${String(d.role ?? 'Someone')} connected`;
    case 'left':
      return `${String(d.role ?? 'Someone')} disconnected`;
    case 'checks':
      return `Checks ran: ${String(d.passed ?? '?')}/${String(d.total ?? '?')} passing`;
    case 'check_changed':
      return `Check ${String(d.title ?? d.symptom ?? d.id)} ${d.passed ? 'turned green' : 'turned red'}`;
    case 'hint':
      return `Hint ${Number(d.index) + 1} revealed`;
    case 'note': {
      const text = typeof d.text === 'string' ? d.text : notes.find((n) => n.id === d.id)?.text;
      return text ? `Note: ${text}` : 'Note added';
    }
    case 'escalation':
      return `Escalation: ${String(d.title ?? d.notice ?? d.id)}`;
    case 'reset':
      return 'Environment reset';
    case 'solved':
      return d.again ? 'Solved again — every check passes' : 'Solved — every check passes';
    case 'unsolved':
      return d.cause === 'escalation' ? 'No longer solved — the escalation added a check' : 'No longer solved — a check fails again';
    case 'gave_up':
      return 'Gave up (solution shown)';
    case 'warning':
      return d.minutesLeft === 1 ? 'Time-limit warning: 1 minute left' : `Time-limit warning: ${String(d.minutesLeft ?? 'a few')} minutes left`;
    case 'expired':
      return 'Time limit reached';
    case 'ended':
      return 'Session ended';
    case 'host_stopped':
      return `Host ${hostList(d.hosts)} stopped; restarting it`;
    case 'host_restarted':
      return d.cause === 'engine' ? 'Environment started again after the Docker engine restarted' : `Host ${hostList(d.started ?? d.hosts)} restarted (files kept)`;
    case 'host_restart_refused':
      return `Host ${hostList(d.hosts)} stopped again; not restarted (${String(d.restarts ?? '?')} restarts in ${String(d.windowMinutes ?? '?')} min)`;
    case 'host_restart_failed':
      return `Restarting the environment failed: ${String(d.error ?? 'no reason given')}`;
    case 'engine_down':
      return 'The Docker engine stopped';
    case 'engine_back':
      return 'The Docker engine is back';
    case 'events_capped':
      return `Timeline full (${String(d.kept ?? '?')} events): from here only outcomes, hints, notes and escalations are kept`;
    case 'failed':
      return `Environment failed: ${String(d.message ?? 'no reason given')}`;
    case 'scheduled':
      return `Interview booked (${String(d.parts ?? 1)} part${d.parts === 1 ? '' : 's'})`;
    case 'lobby':
      return 'The candidate arrived in the lobby';
    case 'started':
      return 'Interview started';
    case 'revoked':
      return 'Invite withdrawn';
    case 'extended':
      return `Time extended by ${String(d.minutes ?? '?')} minutes`;
    case 'visibility':
      return `The candidate now sees ${d.checkVisibility === 'hidden' ? 'no checks' : d.checkVisibility === 'full' ? 'the checks in full' : 'the checks as symptoms'}`;
    case 'part':
      return `Part ${Number(d.index) + 1} of ${String(d.total ?? '?')}: ${String(d.title ?? '')}`;
    case 'notice':
      return 'The candidate read the privacy notice';
    case 'score':
      return `Scored: ${String(d.outcome ?? '?')}`;
    default:
      return e.type;
  }
}

/** Who did it, for an interviewer's action (the server's `data.by`: a user's name, or the credential used). */
export function eventAuthor(e: SessionEvent): string | undefined {
  return typeof e.data.by === 'string' && e.data.by ? e.data.by : undefined;
}

const QUIET = new Set(['checks', 'joined', 'left']);

/** The session's events, newest last; routine check runs and connections can be hidden. */
export function Timeline({ events, notes, showRoutine = false }: { events: SessionEvent[]; notes?: Note[]; showRoutine?: boolean }) {
  const shown = events.filter((e) => showRoutine || !QUIET.has(e.type));
  if (shown.length === 0) return <p className="muted small">Nothing has happened yet.</p>;
  return (
    <ol className="timeline">
      {shown.map((e) => (
        <li key={e.id} className={`tl tl-${e.type} ${e.type === 'check_changed' ? (e.data.passed ? 'good' : 'bad') : e.type === 'unsolved' ? 'bad' : ''}`}>
          <time dateTime={e.at} className="mono muted">
            {timeOfDay(e.at)}
          </time>
          <span>
            {describeEvent(e, notes)}
            {eventAuthor(e) && (
              <>
                {' '}
                <span className="muted by" data-testid="event-by">
                  by {eventAuthor(e)}
                </span>
              </>
            )}
          </span>
        </li>
      ))}
    </ol>
  );
}
