import { useEffect, useState, type KeyboardEvent } from 'react';
import { api, errorText } from '../lib/api.js';
import { timeOfDay } from '../lib/format.js';
import type { Note } from '../lib/types.js';

/**
 * Private interviewer notes. Each note is a timestamped entry (the API appends); the draft is
 * autosaved in this browser so a reload or a lost tab loses nothing.
 */
export function NotesPanel({ sessionId, token, notes, onAdded }: { sessionId: string; token: string; notes: Note[]; onAdded(): void }) {
  const draftKey = `faultline.noteDraft.${sessionId}`;
  const [draft, setDraft] = useState(() => localStorage.getItem(draftKey) ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (draft) localStorage.setItem(draftKey, draft);
    else localStorage.removeItem(draftKey);
  }, [draft, draftKey]);

  const save = async () => {
    const text = draft.trim();
    if (!text) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.addNote(sessionId, token, text);
      setDraft('');
      onAdded();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void save();
    }
  };

  return (
    <section className="panel" aria-labelledby="notes-title">
      <h2 id="notes-title">
        Private notes <span className="muted small">— never shown to the candidate</span>
      </h2>
      {notes.length > 0 && (
        <ol className="notes" data-testid="notes">
          {notes.map((n) => (
            <li key={n.id}>
              <time dateTime={n.at} className="mono muted">
                {timeOfDay(n.at)}
              </time>{' '}
              {n.text}
              {n.author && (
                <>
                  {' '}
                  <span className="muted by" data-testid="note-author">
                    — {n.author.name}
                  </span>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
      <label className="sr-only" htmlFor="note-draft">
        New note
      </label>
      <textarea
        id="note-draft"
        rows={3}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKey}
        placeholder="What did they try? Enter saves a timestamped note, Shift+Enter for a new line."
      />
      <div className="row between">
        <span className="muted tiny">{draft ? 'Draft autosaved' : ' '}</span>
        <button type="button" className="btn small" onClick={save} disabled={busy || !draft.trim()}>
          {busy ? 'Saving…' : 'Add note'}
        </button>
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
