import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, errorText } from '../lib/api.js';
import { localTime } from '../lib/format.js';
import type { ApiTokenView, CreatedApiToken } from '../lib/types.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { CopyField } from '../components/CopyField.js';
import { StaffPage } from '../components/StaffPage.js';
import { ActionStatus } from '../components/ActionStatus.js';

/** Any staff member: their own API tokens for scripts (sent as Authorization: Bearer), made, listed and revoked. */
export function TokensPage() {
  return <StaffPage title="API tokens">{(_me, refused) => <Tokens refused={refused} />}</StaffPage>;
}

function Tokens({ refused }: { refused(err: unknown): boolean }) {
  const [tokens, setTokens] = useState<ApiTokenView[]>();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [message, setMessage] = useState<string>();
  const [created, setCreated] = useState<CreatedApiToken>();

  const load = useCallback(() => {
    api.tokens().then(setTokens, (err: unknown) => refused(err) || setError(errorText(err)));
  }, [refused]);
  useEffect(load, [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      setCreated(await api.createToken(name.trim()));
      setName('');
      load();
    } catch (err) {
      if (!refused(err)) setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (token: ApiTokenView) => {
    setError(undefined);
    setMessage(undefined);
    try {
      await api.revokeToken(token.id);
      if (created?.token.id === token.id) setCreated(undefined);
      setMessage(`Revoked “${token.name}”: scripts using it are refused from now on.`);
    } catch (err) {
      if (!refused(err)) setError(`Could not revoke “${token.name}”: ${errorText(err)}`);
    }
    load();
  };

  return (
    <>
      <h1>API tokens</h1>
      <p className="muted">
        A token acts as you for scripts and automation: send it as <code>Authorization: Bearer …</code>. Make one per script, so each can be revoked
        on its own.
      </p>
      <section className="panel" aria-labelledby="new-token-title">
        <h2 id="new-token-title">New token</h2>
        <form className="row" onSubmit={create}>
          <label className="grow">
            <span className="sr-only">Token name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="What it is for, e.g. nightly export" />
          </label>
          <button type="submit" className="btn primary" disabled={busy || !name.trim()}>
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </form>
      </section>
      {created && (
        <section className="panel once" aria-labelledby="secret-title" data-testid="token-secret">
          <h2 id="secret-title">Token “{created.token.name}”</h2>
          <CopyField label={`Secret of ${created.token.name}`} value={created.secret} hint="shown once: copy it now" openable={false} />
          <p className="muted small">Only a hash of it is kept: it cannot be shown again. Lost, it is revoked and replaced.</p>
          <button type="button" className="btn small ghost" onClick={() => setCreated(undefined)}>
            Done, hide it
          </button>
        </section>
      )}
      <ActionStatus message={message} error={error} />
      {!tokens && !error && <p className="muted">Loading tokens…</p>}
      {tokens && tokens.length === 0 && <p className="muted">No tokens yet.</p>}
      {tokens && tokens.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Your API tokens">
          <table className="interviews" data-testid="tokens">
            <caption className="sr-only">Your API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} data-token={t.id}>
                  <th scope="row">{t.name}</th>
                  <td>{localTime(t.createdAt)}</td>
                  <td>{t.lastUsedAt ? localTime(t.lastUsedAt) : <span className="muted">never</span>}</td>
                  <td>{t.revokedAt ? <span className="status status-revoked">revoked {localTime(t.revokedAt)}</span> : <span className="status status-live">active</span>}</td>
                  <td>
                    {!t.revokedAt && (
                      <ConfirmButton
                        label="Revoke"
                        className="small"
                        tone="danger"
                        question={
                          <p>
                            Revoke <strong>{t.name}</strong>? Every script using it is refused from now on; this cannot be undone.
                          </p>
                        }
                        confirmLabel="Revoke"
                        onConfirm={() => revoke(t)}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
