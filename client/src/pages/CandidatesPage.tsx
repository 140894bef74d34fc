import { useState, type FormEvent } from 'react';
import { ApiError, api, errorText } from '../lib/api.js';
import { saveFile } from '../lib/download.js';
import { ActionStatus } from '../components/ActionStatus.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { StaffPage } from '../components/StaffPage.js';

/** Admins: a candidate's request to see what is held about them (a JSON export), or to have it erased. */
export function CandidatesPage() {
  return (
    <StaffPage title="Candidate data" role="admin">
      {(_me, refused) => <CandidateData refused={refused} />}
    </StaffPage>
  );
}

/** The server's refusal in words: why nothing was exported or erased, and what to do. */
function refusalText(err: unknown): string {
  if (err instanceof ApiError && err.status === 404) return `Nothing is held under that name. ${err.message}`;
  if (err instanceof ApiError && err.status === 409) return `A session of this candidate is still live. ${err.message}`;
  return errorText(err);
}

function CandidateData({ refused }: { refused(err: unknown): boolean }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [message, setMessage] = useState<string>();
  const trimmed = name.trim();

  const exportData = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      const file = await api.exportCandidate(trimmed);
      saveFile(file.blob, file.filename);
      setMessage(`Exported the data held about “${trimmed}” as ${file.filename}.`);
    } catch (err) {
      if (!refused(err)) setError(`Export failed: ${refusalText(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const erase = async () => {
    setError(undefined);
    setMessage(undefined);
    try {
      const erased = await api.eraseCandidate(trimmed);
      setMessage(`Erased ${erased} ${erased === 1 ? 'session' : 'sessions'} of “${trimmed}”.`);
      setName('');
    } catch (err) {
      if (!refused(err)) setError(`Nothing was erased: ${refusalText(err)}`);
    }
  };

  return (
    <>
      <h1>Candidate data</h1>
      <p className="muted">
        When a candidate asks what is held about them, or asks for it to be deleted. <strong>Export</strong> downloads one JSON file with every session
        under their name: its timeline, notes, scores, the commands typed and the terminal recording. <strong>Erase</strong> deletes all of it, once
        none of those sessions is live; it cannot be undone. The audit log records both, naming the candidate by a fingerprint of the name, not the
        name.
      </p>
      <section className="panel" aria-labelledby="candidate-title">
        <h2 id="candidate-title">Candidate</h2>
        <form className="row" onSubmit={exportData}>
          <label className="grow">
            <span className="sr-only">Candidate name</span>
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              maxLength={200}
              placeholder="Name as the interviews list shows it (case is ignored)"
            />
          </label>
          <button type="submit" className="btn primary" disabled={busy || !trimmed}>
            {busy ? 'Exporting…' : 'Export (JSON)'}
          </button>
          <ConfirmButton
            label="Erase…"
            tone="danger"
            disabled={busy || !trimmed}
            question={
              <p>
                Erase everything held about <strong>{trimmed}</strong>: every session under this name with its timeline, notes, scores, commands and
                recording? This cannot be undone.
              </p>
            }
            confirmLabel="Erase"
            onConfirm={erase}
          />
        </form>
      </section>
      <ActionStatus message={message} error={error} />
    </>
  );
}
