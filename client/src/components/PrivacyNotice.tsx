import { useEffect, useRef, useState } from 'react';
import { api, errorText } from '../lib/api.js';
import { rememberNotice } from '../lib/notice.js';
import type { Session } from '../lib/types.js';

/**
 * The candidate's privacy notice ("Before you start"): what is recorded, who sees it, how long it
 * is kept. Going on records the acceptance on the server, then the page opens the terminal.
 */
export function PrivacyNotice({ session, token, action, onAccepted }: { session: Session; token: string; action: string; onAccepted(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Screen readers start at the notice, not at the page's first link.
  useEffect(() => headingRef.current?.focus(), []);

  const accept = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.acceptNotice(session.id, token);
      rememberNotice(session.id);
      onAccepted();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  const paragraphs = (session.privacyNotice ?? '').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return (
    <section className="panel privacy-notice" aria-labelledby="notice-title" data-testid="privacy-notice">
      <h2 id="notice-title" ref={headingRef} tabIndex={-1}>
        Before you start
      </h2>
      <div className="privacy-text" data-testid="privacy-text">
        {paragraphs.map((p, i) => (
          <p key={i}>{p}</p>
        ))}
      </div>
      <div className="row">
        <button type="button" className="btn primary" onClick={() => void accept()} disabled={busy}>
          {action}
        </button>
        {busy && <span className="muted small" role="status">Saving…</span>}
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
