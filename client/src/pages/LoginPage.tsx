import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, api, currentMe, errorText } from '../lib/api.js';
import { redirect, safeNext } from '../lib/route.js';
import type { SignInOptions } from '../lib/types.js';
import { Brand } from '../components/Shell.js';

/** "3 minutes", "40 seconds": how long a rate-limited sign-in waits. */
function waitText(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} second${Math.ceil(seconds) === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** A refused sign-in in words the person can act on. */
export function signInError(err: unknown): string {
  if (!(err instanceof ApiError)) return errorText(err);
  if (err.status === 401) return 'Wrong email or password. Check both and try again.';
  if (err.status === 429) {
    const wait = err.retryAfterSeconds === undefined ? 'a few minutes' : waitText(err.retryAfterSeconds);
    return `Too many failed sign-ins: signing in is paused. Try again in ${wait}, or ask an admin to reset the password.`;
  }
  // 403 is also a refused cross-site request: the server's own words then.
  if (err.status === 403 && /disabled/i.test(err.message)) return 'This account is disabled. Ask an admin to enable it again.';
  return errorText(err);
}

/** Staff sign-in: a password kept here and, when configured, the organisation's single sign-on. */
export function LoginPage() {
  const next = safeNext(new URLSearchParams(window.location.search).get('next'));
  const [options, setOptions] = useState<SignInOptions>();
  const [loadError, setLoadError] = useState<string>();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    document.title = 'Sign in — Faultline';
    // Already signed in (a bookmarked sign-in page, Back after signing in): straight on.
    currentMe(true).then((me) => me && redirect(next), () => undefined);
    api.signInOptions().then(setOptions, (err: unknown) => setLoadError(errorText(err)));
  }, [next]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.signIn(email.trim(), password);
      redirect(next);
    } catch (err) {
      setError(signInError(err));
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <header className="topbar">
        <Brand />
        <nav aria-label="Pages" className="topbar-right small">
          <a href="/">Scenarios</a>
        </nav>
      </header>
      <main id="main" className="message-page">
        <div className="message-card login-card">
          <h1>Sign in</h1>
          <p className="muted">For interviewers and admins. Candidates need no account: their link is all they need.</p>
          {loadError && (
            <p className="error-text" role="alert">
              The sign-in options could not be loaded: {loadError}
            </p>
          )}
          {options?.oidc && (
            <p>
              <a className="btn primary sso" href={`/auth/oidc/login?${new URLSearchParams({ next }).toString()}`}>
                Sign in with {options.oidc.name}
              </a>
            </p>
          )}
          {options?.local && (
            <form className="form" onSubmit={submit}>
              {options.oidc && <p className="muted small or">or with a password kept on this server</p>}
              <label>
                Email
                <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" autoFocus />
              </label>
              <label>
                Password
                <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
              </label>
              {error && (
                <p className="error-text" role="alert" data-testid="sign-in-error">
                  {error}
                </p>
              )}
              <div className="row">
                <button type="submit" className="btn primary" disabled={busy || !email.trim() || !password}>
                  {busy ? 'Signing in…' : 'Sign in'}
                </button>
              </div>
            </form>
          )}
          {options && !options.local && !options.oidc && (
            <p className="banner danger" role="alert">
              No way to sign in is configured on this server: an operator adds the first admin with <code>faultline user add</code>.
            </p>
          )}
        </div>
      </main>
    </div>
  );
}
