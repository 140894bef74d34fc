import { useId } from 'react';
import { api } from '../lib/api.js';
import type { CheckVisibility, Session } from '../lib/types.js';
import { windowText } from '../lib/zoned.js';
import { ConfirmButton } from './ConfirmButton.js';

type Act = (fn: () => Promise<unknown>) => () => Promise<void>;

function hhmm(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** "Candidate connected since 10:42" / "Candidate not connected (left 10:45)", from the view's presence. */
export function PresenceLine({ session }: { session: Session }) {
  const candidate = session.presence?.candidate;
  if (!candidate) return null;
  const since = candidate.since;
  return (
    <span className={`presence ${candidate.connected ? 'on' : 'off'}`} role="status" aria-live="polite" data-testid="presence" data-connected={candidate.connected}>
      <span className="dot" aria-hidden="true" />
      {candidate.connected
        ? `Candidate connected${since ? ` since ${hhmm(since)}` : ''}`
        : `Candidate not connected${since ? ` (left ${hhmm(since)})` : ' yet'}`}
    </span>
  );
}

/** In place of the terminal while the interview is booked: where the candidate is, and Start. */
export function ScheduledPanel({ session, token, act }: { session: Session; token: string; act: Act }) {
  const waiting = session.presence?.candidate.connected === true;
  return (
    <div className="startup" data-testid="scheduled">
      <h2>{waiting ? 'The candidate is in the lobby' : 'Scheduled: the candidate has not arrived'}</h2>
      {session.window && <p className="muted">Booked {windowText(session.window)} ({session.window.timeZone}).</p>}
      <p>
        {waiting
          ? 'They have checked their connection and are waiting for you. Start when you are ready: the environment is built now (about a minute).'
          : 'Nothing runs yet. You can start without them; the clock starts once the environment is ready.'}
      </p>
      <p className="row">
        <button type="button" className="btn primary" onClick={act(() => api.start(session.id, token))}>
          Start the interview
        </button>
      </p>
    </div>
  );
}

const VISIBILITY: Array<{ id: CheckVisibility; label: string }> = [
  { id: 'hidden', label: 'Hidden' },
  { id: 'symptom', label: 'Symptoms only' },
  { id: 'full', label: 'Full (titles and messages)' },
];

/** Interviewer's controls of a hiring interview: parts, extra time, what the candidate sees of the checks. */
export function InterviewControls({ session, token, act, disabled }: { session: Session; token: string; act: Act; disabled: boolean }) {
  const selectId = useId();
  const live = session.state === 'starting' || session.state === 'ready' || session.state === 'solved';
  return (
    <section className="panel interview-controls" aria-labelledby="icontrols-title">
      <header className="panel-head">
        <h2 id="icontrols-title">Interview</h2>
        {session.part.total > 1 && (
          <span className="badge part" data-testid="console-part">
            Part {session.part.index + 1} of {session.part.total}
          </span>
        )}
      </header>
      <div className="row" role="group" aria-label="Extend time">
        <span className="small">Extend time{session.extendedMinutes ? ` (+${session.extendedMinutes} min so far)` : ''}:</span>
        {[5, 10, 15].map((m) => (
          <button
            key={m}
            type="button"
            className="btn small"
            onClick={act(() => api.extend(session.id, token, m))}
            disabled={disabled || !live}
          >
            +{m} min
          </button>
        ))}
      </div>
      {session.nextPart && (
        <div className="row">
          <ConfirmButton
            label={`Next part: ${session.nextPart.title}`}
            question={
              <p>
                End this part and start <strong>{session.nextPart.title}</strong>? The candidate&apos;s current environment is removed and a new one is
                built; this part&apos;s result is kept for the report.
              </p>
            }
            confirmLabel="Start the next part"
            onConfirm={act(() => api.nextPart(session.id, token))}
            disabled={disabled || !live}
            className="small"
          />
        </div>
      )}
      <div className="row">
        <label htmlFor={selectId} className="small">
          Candidate sees checks
        </label>
        <select
          id={selectId}
          value={session.checkVisibility}
          onChange={(e) => void act(() => api.setVisibility(session.id, token, e.target.value as CheckVisibility))()}
          disabled={disabled}
        >
          {VISIBILITY.map((v) => (
            <option key={v.id} value={v.id}>
              {v.label}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}
