import { useId, useState } from 'react';

/** A read-only link (or, not openable, any text) with a copy button. */
export function CopyField({ label, value, hint, openable = true }: { label: string; value: string; hint?: string; openable?: boolean }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // No clipboard permission (plain http): select the text so Ctrl+C works.
      (document.getElementById(id) as HTMLInputElement | null)?.select();
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 1500);
  };
  return (
    <div className="copy-field">
      <label htmlFor={id}>
        {label}
        {hint && <span className="muted small"> — {hint}</span>}
      </label>
      <div className="copy-row">
        <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} className="mono" />
        <button type="button" className="btn small" onClick={copy} aria-label={`Copy ${label}`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        {openable && (
          <a className="btn small ghost" href={value} target="_blank" rel="noreferrer">
            Open
          </a>
        )}
      </div>
    </div>
  );
}
