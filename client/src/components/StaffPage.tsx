import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError, api, currentMe, errorText } from '../lib/api.js';
import { loginHref, navigate, redirect } from '../lib/route.js';
import type { AccountRole, Me } from '../lib/types.js';
import { Brand, MessagePage } from './Shell.js';

export const ROLE_LABELS: Record<AccountRole, string> = { admin: 'Admin', interviewer: 'Interviewer' };

type Staff = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'signed-in'; me: Me };

/**
 * The signed-in staff member, or a redirect to the sign-in page (coming back here afterwards).
 * `refused` is for the page's own calls: a 401 means the sign-in ended (signed out elsewhere, timed
 * out, the account disabled), and the page goes to sign-in at once rather than showing stale data.
 */
export function useStaff(): { staff: Staff; refused(err: unknown): boolean } {
  const [staff, setStaff] = useState<Staff>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    currentMe(true).then(
      (me) => {
        if (!live) return;
        if (me) setStaff({ state: 'signed-in', me });
        else redirect(loginHref());
      },
      (err: unknown) => live && setStaff({ state: 'failed', message: errorText(err) }),
    );
    return () => {
      live = false;
    };
  }, []);
  const refused = useCallback((err: unknown): boolean => {
    if (!(err instanceof ApiError) || err.status !== 401) return false;
    redirect(loginHref());
    return true;
  }, []);
  return { staff, refused };
}

/** A page for signed-in staff (admins only with `role`): the top bar with the account menu, then the page. */
export function StaffPage({ title, role, className = 'dashboard', children }: { title: string; role?: 'admin'; className?: string; children(me: Me, refused: (err: unknown) => boolean): ReactNode }) {
  const { staff, refused } = useStaff();
  useEffect(() => {
    document.title = `${title} — Faultline`;
  }, [title]);

  if (staff.state === 'failed') {
    return (
      <MessagePage title="Your sign-in could not be checked" tone="danger">
        <p>{staff.message}</p>
        <p>
          <a href={window.location.pathname}>Try again</a>
        </p>
      </MessagePage>
    );
  }
  if (staff.state === 'loading') {
    return (
      <div className="page">
        <header className="topbar">
          <Brand />
        </header>
        <main id="main" className={className}>
          <p className="muted" role="status">
            Checking your sign-in…
          </p>
        </main>
      </div>
    );
  }
  const { me } = staff;
  return (
    <div className="page">
      <header className="topbar">
        <Brand />
        <nav aria-label="Pages" className="topbar-right small">
          <a href="/">Scenarios</a>
          <a href="/dashboard">Interviews</a>
          <AccountMenu me={me} />
        </nav>
      </header>
      <main id="main" className={className}>
        {role && me.user.role !== role ? (
          <>
            <h1>{title}</h1>
            <p className="banner danger" role="alert">
              This page is for admins. You are signed in as {me.user.email} ({ROLE_LABELS[me.user.role].toLowerCase()}); ask an admin if you need it.
            </p>
          </>
        ) : (
          children(me, refused)
        )}
      </main>
    </div>
  );
}

/** Who is signed in, the staff pages they may open, and Sign out. */
export function AccountMenu({ me }: { me: Me }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  // Escape or a click elsewhere closes it; Escape gives focus back to the button.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onClick = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  const signOut = async () => {
    setError(undefined);
    try {
      await api.signOut();
      navigate('/login');
    } catch (err) {
      setError(`Sign-out failed: ${errorText(err)}`);
    }
  };

  const admin = me.user.role === 'admin';
  return (
    <div className="account-menu" ref={root}>
      <button ref={button} type="button" className="btn small" aria-expanded={open} aria-controls={menuId} onClick={() => setOpen(!open)}>
        <span className="account-name">{me.user.name}</span> <span className="badge">{ROLE_LABELS[me.user.role]}</span>
      </button>
      <div id={menuId} className="account-popup" hidden={!open}>
        <p className="account-who">
          <strong>{me.user.name}</strong>
          <span className="muted small">{me.user.email}</span>
          <span className="muted small">Signed in as {ROLE_LABELS[me.user.role].toLowerCase()}</span>
        </p>
        <ul className="account-links">
          <li>
            <a href="/dashboard">Interviews</a>
          </li>
          <li>
            <a href="/account/tokens">API tokens</a>
          </li>
          {admin && (
            <li>
              <a href="/admin/users">Users</a>
            </li>
          )}
          {admin && (
            <li>
              <a href="/admin/audit">Audit log</a>
            </li>
          )}
          {admin && (
            <li>
              <a href="/admin/candidates">Candidate data</a>
            </li>
          )}
        </ul>
        <button type="button" className="btn small" onClick={() => void signOut()}>
          Sign out
        </button>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
