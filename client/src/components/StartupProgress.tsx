import { PHASES } from '../lib/format.js';
import type { Session } from '../lib/types.js';

/** The environment's start-up phases, the current one highlighted. */
export function StartupProgress({ phase, message, queueAhead }: { phase?: string; message?: string; queueAhead?: number }) {
  const current = Math.max(0, PHASES.findIndex((p) => p.id === phase));
  const resetting = phase === 'resetting';
  const queued = phase === 'queued' && queueAhead !== undefined;
  return (
    <div className="startup" role="status" aria-live="polite">
      <div className="spinner large" aria-hidden="true" />
      <h2>{resetting ? 'Rebuilding your environment…' : 'Building your environment…'}</h2>
      {!resetting && (
        <ol className="phases">
          {PHASES.map((p, i) => (
            <li key={p.id} className={i < current ? 'done' : i === current ? 'current' : ''} aria-current={i === current ? 'step' : undefined}>
              {p.label}
            </li>
          ))}
        </ol>
      )}
      {queued ? (
        <p className="queue-position">
          {queueAhead === 0 ? 'Starting: you are next.' : `Starting, ${queueAhead} ahead of you.`} The server brings a few environments up at a
          time; keep this page open.
        </p>
      ) : (
        message && <p className="muted small">{message}</p>
      )}
    </div>
  );
}

/**
 * What covers the terminal while there is no shell to show: start-up progress, or why the
 * environment could not start with a retry for those allowed to reset (others are told whom to ask).
 */
export function EnvironmentOverlay({ session, message, onRetry }: { session: Session; message?: string; onRetry?: () => void }) {
  if (session.state === 'starting') {
    return (
      <div className="terminal-overlay">
        <StartupProgress phase={session.phase} message={message} queueAhead={session.queueAhead} />
      </div>
    );
  }
  if (session.phase === 'restarting') {
    return (
      <div className="terminal-overlay">
        <div className="startup" role="status" aria-live="polite">
          <h2>The environment is starting again</h2>
          <p>{message ?? session.notice}</p>
        </div>
      </div>
    );
  }
  if (session.state !== 'failed') return null;
  return (
    <div className="terminal-overlay">
      <div className="startup failed" role="alert">
        <h2>The environment could not start</h2>
        <p>{session.error ?? message ?? 'The server gave no reason.'}</p>
        {onRetry ? (
          <button type="button" className="btn primary" onClick={onRetry}>
            Try again
          </button>
        ) : (
          <p className="muted">Ask your interviewer to reset the session.</p>
        )}
      </div>
    </div>
  );
}
