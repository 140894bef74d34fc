import { useState } from 'react';
import { api, errorText } from '../lib/api.js';
import type { Session } from '../lib/types.js';
import { InlineMarkdown } from './Markdown.js';

interface Props {
  session: Session;
  /** Present when this role may reveal the next hint itself (practice candidate). */
  reveal?: { token: string; onRevealed(): void };
}

/** Revealed hints in order; practice reveals them one at a time, interviews get them from the interviewer. */
export function HintsPanel({ session, reveal }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const { revealed, total } = session.hints;
  const more = revealed.length < total;

  const next = async () => {
    if (!reveal) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.revealHint(session.id, reveal.token);
      reveal.onRevealed();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="hints-title">
      <header className="panel-head">
        <h2 id="hints-title">
          Hints <span className="count">{revealed.length}/{total}</span>
        </h2>
        {reveal && more && (
          <button type="button" className="btn small" onClick={next} disabled={busy}>
            {busy ? 'Revealing…' : revealed.length === 0 ? 'Show a hint' : 'Next hint'}
          </button>
        )}
      </header>
      {revealed.length === 0 ? (
        <p className="muted small">{reveal ? 'Stuck? Hints go from gentle nudges to the exact fix.' : 'Your interviewer may share hints here.'}</p>
      ) : (
        <ol className="hints" aria-live="polite">
          {revealed.map((h) => (
            <li key={h.index} data-hint={h.index}>
              <InlineMarkdown text={h.text} />
            </li>
          ))}
        </ol>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
