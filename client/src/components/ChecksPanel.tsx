import { useState } from 'react';
import { api, errorText } from '../lib/api.js';
import { timeOfDay } from '../lib/format.js';
import type { CheckResult, CheckVisibility } from '../lib/types.js';

interface Props {
  checks: CheckResult[];
  /** Present when this role may run the checks on demand. */
  run?: { id: string; token: string; onResult(checks: CheckResult[]): void };
  disabled?: boolean;
  /** Given for a candidate: what this interview lets them see of the checks. */
  visibility?: CheckVisibility;
}

/** The scenario's checks, green when fixed, with "Check now". */
export function ChecksPanel({ checks, run, disabled, visibility }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const passed = checks.filter((c) => c.passed).length;
  const last = checks.reduce<string | undefined>((latest, c) => (!latest || c.at > latest ? c.at : latest), undefined);

  const runNow = async () => {
    if (!run) return;
    setBusy(true);
    setError(undefined);
    try {
      run.onResult(await api.runChecks(run.id, run.token));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="checks-title">
      <header className="panel-head">
        <h2 id="checks-title">
          Checks{' '}
          {visibility !== 'hidden' && (
            <span className="count" aria-label={`${passed} of ${checks.length} passing`}>
              {passed}/{checks.length}
            </span>
          )}
        </h2>
        {run && visibility !== 'hidden' && (
          <button type="button" className="btn small" onClick={runNow} disabled={busy || disabled} aria-busy={busy}>
            {busy ? 'Checking…' : 'Check now'}
          </button>
        )}
      </header>
      {visibility === 'hidden' ? (
        <p className="muted small" data-testid="checks-hidden">
          Checks are hidden in this interview: your interviewer follows them.
        </p>
      ) : checks.length === 0 ? (
        <p className="muted small">{disabled ? 'Checks run once the environment is up.' : 'Waiting for the first check run…'}</p>
      ) : (
        <ul className="checks" aria-live="polite">
          {checks.map((c) => (
            <li key={c.id} className={c.passed ? 'check pass' : 'check fail'} data-check={c.id} data-passed={c.passed}>
              <span className="check-icon" aria-hidden="true">
                {c.passed ? '✓' : c.pending ? '…' : '✗'}
              </span>
              <div>
                {/* Watchers get the interviewer's title with what the candidate sees; candidates the symptom only. */}
                <div className="check-title">
                  {c.title ?? c.symptom}
                  {c.advisory && (
                    <span className="badge advisory" title="Runs where the candidate could forge it; never counts toward solved">
                      advisory
                    </span>
                  )}
                  <span className="sr-only">{c.pending ? ' — not checked yet' : c.passed ? ' — passing' : ' — failing'}</span>
                </div>
                {c.title && <div className="check-symptom muted small">{visibility ? 'Symptom' : 'Candidate sees'}: {c.symptom}</div>}
                {c.pending ? <div className="check-message">not checked yet</div> : c.message && <div className="check-message">{c.message}</div>}
              </div>
            </li>
          ))}
        </ul>
      )}
      {last && <p className="muted tiny">Last run {timeOfDay(last)}</p>}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
