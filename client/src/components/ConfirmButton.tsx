import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

interface Props {
  label: string;
  /** What happens, said plainly, in the confirmation dialog. */
  question: ReactNode;
  confirmLabel: string;
  onConfirm(): void | Promise<void>;
  /** After the dialog closed (confirmed or not), once focus went back: where to take it next. */
  onClosed?(): void;
  tone?: 'danger' | 'normal';
  disabled?: boolean;
  /** Why the button cannot be used now: disables it, and is said next to it (and as its description). */
  unavailable?: string | undefined;
  className?: string;
}

/** A button that asks first, in a native <dialog> (focus trap and Escape for free). */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, onClosed, tone = 'normal', disabled, unavailable, className = '' }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const reasonId = useId();
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (open) dialog.current?.showModal();
    else dialog.current?.close();
  }, [open]);

  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };

  return (
    <>
      <button
        type="button"
        className={`btn ${tone === 'danger' ? 'danger-outline' : ''} ${className}`}
        onClick={() => setOpen(true)}
        disabled={disabled || unavailable !== undefined}
        title={unavailable}
        aria-describedby={unavailable ? reasonId : undefined}
      >
        {label}
      </button>
      {unavailable && (
        <span id={reasonId} className="muted tiny unavailable">
          {unavailable}
        </span>
      )}
      <dialog
        ref={dialog}
        className="dialog"
        onClose={() => {
          setOpen(false);
          onClosed?.();
        }}
        aria-label={label}
      >
        <div className="dialog-body">{question}</div>
        <div className="dialog-actions">
          <button type="button" className="btn ghost" onClick={() => setOpen(false)} autoFocus>
            Cancel
          </button>
          <button type="button" className={`btn ${tone === 'danger' ? 'danger' : 'primary'}`} onClick={confirm} disabled={busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
