import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { api, errorText } from '../lib/api.js';
import { localTime } from '../lib/format.js';
import type { Account, AccountRole, Me } from '../lib/types.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { CopyField } from '../components/CopyField.js';
import { ROLE_LABELS, StaffPage } from '../components/StaffPage.js';
import { ActionStatus } from '../components/ActionStatus.js';

/** A password the server generated, shown once: only its hash is kept. */
interface Shown {
  email: string;
  password: string;
  why: 'added' | 'reset';
}

/** Admins: the staff accounts, adding one, disabling and enabling, resetting a password, changing a role. */
export function UsersPage() {
  return (
    <StaffPage title="Users" role="admin">
      {(me, refused) => <Users me={me} refused={refused} />}
    </StaffPage>
  );
}

function Users({ me, refused }: { me: Me; refused(err: unknown): boolean }) {
  const [users, setUsers] = useState<Account[]>();
  const [error, setError] = useState<string>();
  const [message, setMessage] = useState<string>();
  const [shown, setShown] = useState<Shown>();

  const load = useCallback(() => {
    api.users().then(
      (list) => {
        setUsers(list);
        setError(undefined);
      },
      (err: unknown) => refused(err) || setError(errorText(err)),
    );
  }, [refused]);
  useEffect(load, [load]);

  /** One change to one account, said in the status line, or its refusal. */
  const act = async (what: string, run: () => Promise<unknown>) => {
    setError(undefined);
    setMessage(undefined);
    try {
      await run();
      setMessage(what);
    } catch (err) {
      if (!refused(err)) setError(errorText(err));
    }
    load();
  };

  return (
    <>
      <h1>Users</h1>
      <AddUser
        onAdded={(added) => {
          setShown({ email: added.user.email, password: added.password ?? '', why: 'added' });
          setMessage(`Added ${added.user.name} (${ROLE_LABELS[added.user.role].toLowerCase()}).`);
          load();
        }}
        refused={refused}
      />
      {shown && shown.password && (
        <section className="panel once" aria-labelledby="password-title" data-testid="shown-password">
          <h2 id="password-title">{shown.why === 'added' ? 'Password for the new account' : 'New password'}</h2>
          <CopyField label={`Password for ${shown.email}`} value={shown.password} hint="shown once: hand it over privately" openable={false} />
          <p className="muted small">It is not kept in readable form and cannot be shown again; reset it if it gets lost.</p>
          <button type="button" className="btn small ghost" onClick={() => setShown(undefined)}>
            Done, hide it
          </button>
        </section>
      )}
      <ActionStatus message={message} error={error} />
      {!users && !error && <p className="muted">Loading users…</p>}
      {users && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Staff accounts">
          <table className="interviews" data-testid="users">
            <caption className="sr-only">Staff accounts</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Sign-in</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => {
                const self = u.id === me.user.id;
                return (
                  <tr key={u.id} data-user={u.email}>
                    <th scope="row">
                      {u.name}
                      {self && <span className="muted small"> (you)</span>}
                    </th>
                    <td>{u.email}</td>
                    <td>
                      <select
                        aria-label={`Role of ${u.name}`}
                        value={u.role}
                        disabled={self}
                        title={self ? 'Another admin changes your own role' : undefined}
                        onChange={(e) => {
                          const role = e.target.value as AccountRole;
                          void act(`${u.name} is now ${ROLE_LABELS[role].toLowerCase()}.`, () => api.changeUser(u.id, { role }));
                        }}
                      >
                        {(Object.keys(ROLE_LABELS) as AccountRole[]).map((r) => (
                          <option key={r} value={r}>
                            {ROLE_LABELS[r]}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>{u.source === 'oidc' ? 'Single sign-on' : 'Password'}</td>
                    <td>{u.disabled ? <span className="status status-revoked">disabled</span> : <span className="status status-live">active</span>}</td>
                    <td>{u.lastSignInAt ? localTime(u.lastSignInAt) : <span className="muted">never</span>}</td>
                    <td>
                      <div className="actions">
                        {u.disabled ? (
                          <button type="button" className="btn small" onClick={() => void act(`Enabled ${u.name}.`, () => api.changeUser(u.id, { disabled: false }))}>
                            Enable
                          </button>
                        ) : (
                          <ConfirmButton
                            label="Disable"
                            className="small"
                            tone="danger"
                            unavailable={self ? 'you cannot disable yourself' : undefined}
                            question={
                              <p>
                                Disable <strong>{u.name}</strong> ({u.email})? They are signed out at once, their API tokens stop working, and they cannot
                                sign in until enabled again. Their interviews, notes and scores stay.
                              </p>
                            }
                            confirmLabel="Disable"
                            onConfirm={() => act(`Disabled ${u.name}: signed out everywhere.`, () => api.changeUser(u.id, { disabled: true }))}
                          />
                        )}
                        {u.source === 'local' && (
                          <ConfirmButton
                            label="Reset password"
                            className="small"
                            question={
                              <p>
                                Give <strong>{u.name}</strong> a new generated password? The current one stops working; it is shown to you once.
                              </p>
                            }
                            confirmLabel="Reset password"
                            onConfirm={() =>
                              act(`Reset the password of ${u.name}.`, async () => {
                                const reset = await api.resetPassword(u.id);
                                setShown({ email: reset.user.email, password: reset.password ?? '', why: 'reset' });
                              })
                            }
                          />
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function AddUser({ onAdded, refused }: { onAdded(added: Awaited<ReturnType<typeof api.addUser>>): void; refused(err: unknown): boolean }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<AccountRole>('interviewer');
  const roleId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onAdded(await api.addUser({ email: email.trim(), name: name.trim(), role }));
      setEmail('');
      setName('');
      setRole('interviewer');
    } catch (err) {
      if (!refused(err)) setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="add-user-title">
      <h2 id="add-user-title">Add a user</h2>
      <form className="schedule-form" onSubmit={submit}>
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="off" />
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoComplete="off" />
        </label>
        {/* Not wrapped in its label: the chosen option would become part of the select's name. */}
        <div className="field">
          <label htmlFor={roleId}>Role</label>
          <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as AccountRole)}>
            {(Object.keys(ROLE_LABELS) as AccountRole[]).map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <p className="muted small span-all">
          A password is generated and shown once, here. Staff who sign in with single sign-on need no account made here: theirs is made at their first
          sign-in.
        </p>
        {error && (
          <p className="error-text span-all" role="alert">
            {error}
          </p>
        )}
        <div className="row span-all">
          <button type="submit" className="btn primary" disabled={busy || !email.trim() || !name.trim()}>
            {busy ? 'Adding…' : 'Add user'}
          </button>
        </div>
      </form>
    </section>
  );
}
