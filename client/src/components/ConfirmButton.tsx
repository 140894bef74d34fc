import { useEffect, useRef, useState, type ReactNode } from 'react';

interface Props {
  label: string;
  /** What happens, said plainly, in the confirmation dialog. */
  question: ReactNode;
  confirmLabel: string;
  onConfirm(): void | Promise<void>;
  tone?: 'danger' | 'normal';
  disabled?: boolean;
  className?: string;
}

/** A button that asks first, in a native <dialog> (focus trap and Escape for free). */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, tone = 'normal', disabled, className = '' }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
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
      <button type="button" className={`btn ${tone === 'danger' ? 'danger-outline' : ''} ${className}`} onClick={() => setOpen(true)} disabled={disabled}>
        {label}
      </button>
      <dialog ref={dialog} className="dialog" onClose={() => setOpen(false)} aria-label={label}>
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
