import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, currentMe, errorText } from '../lib/api.js';
import { interviewerKey } from '../lib/progress.js';
import { loginHref } from '../lib/route.js';
import type { CreatedSession, Me, ScenarioSummary } from '../lib/types.js';
import { CopyField } from '../components/CopyField.js';

/**
 * Create an interview for one scenario and hand out its three links. Signed-in staff create it as
 * themselves; otherwise the interviewer key is asked for (the documented legacy path, while the
 * server still accepts it).
 */
export function InterviewDialog({ scenario, onClose }: { scenario: ScenarioSummary; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [key, setKey] = useState(interviewerKey.get());
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<CreatedSession>();
  /** Undefined while asking, null when nobody is signed in in this browser. */
  const [me, setMe] = useState<Me | null>();

  useEffect(() => {
    dialog.current?.showModal();
    currentMe().then(
      (m) => setMe(m ?? null),
      () => setMe(null),
    );
  }, []);
  const withKey = me === null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = { scenarioId: scenario.id, mode: 'interview' as const, ...(name.trim() ? { candidateName: name.trim() } : {}) };
      const result = await api.create(body, withKey ? key.trim() : undefined);
      if (withKey) interviewerKey.set(key.trim());
      setCreated(result);
    } catch (err) {
      if (withKey && err instanceof ApiError && err.status === 401) interviewerKey.clear();
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} className="dialog wide" onClose={onClose} aria-labelledby="interview-title">
      <h2 id="interview-title">Interview: {scenario.title}</h2>
      {!created ? (
        <form onSubmit={submit} className="form">
          {me && (
            <p className="muted small" data-testid="interview-as">
              Created as {me.user.name}.
            </p>
          )}
          {withKey && (
            <label>
              Interviewer key
              <input
                type="password"
                value={key}
                onChange={(e) => setKey(e.target.value)}
                required
                autoComplete="current-password"
                placeholder="FAULTLINE_INTERVIEWER_KEY"
                autoFocus={!key}
              />
              <span className="muted small">
                Kept in this browser after the first interview. Staff with an account <a href={loginHref()}>sign in</a> instead.
              </span>
            </label>
          )}
          <label>
            Candidate name <span className="muted small">(optional, shown in the report)</span>
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoFocus={!withKey || Boolean(key)} />
          </label>
          {error && (
            <p className="error-text" role="alert">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn ghost" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn primary" disabled={busy || me === undefined || (withKey && !key.trim())}>
              {busy ? 'Creating…' : 'Create interview'}
            </button>
          </div>
        </form>
      ) : (
        <div className="form">
          <p className="muted">The environment is being built now. Send the candidate their link; keep the interviewer link to yourself.</p>
          <CopyField label="Candidate link" value={created.links.candidate} hint="send to the candidate" />
          {created.links.interviewer && <CopyField label="Interviewer link" value={created.links.interviewer} hint="your console — keep private" />}
          {created.links.viewer && <CopyField label="Viewer link" value={created.links.viewer} hint="read-only, for a co-interviewer" />}
          <div className="dialog-actions">
            <button type="button" className="btn ghost" onClick={onClose}>
              Close
            </button>
            {created.links.interviewer && (
              <a className="btn primary" href={new URL(created.links.interviewer).pathname + new URL(created.links.interviewer).hash}>
                Open console
              </a>
            )}
          </div>
        </div>
      )}
    </dialog>
  );
}
