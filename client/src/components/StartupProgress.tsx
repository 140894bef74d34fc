import { PHASES } from '../lib/format.js';

/** The environment's start-up phases, the current one highlighted. */
export function StartupProgress({ phase, message }: { phase?: string; message?: string }) {
  const current = Math.max(0, PHASES.findIndex((p) => p.id === phase));
  const resetting = phase === 'resetting';
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
      {message && <p className="muted small">{message}</p>}
    </div>
  );
}
