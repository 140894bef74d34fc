import { useCallback, useEffect, useState } from 'react';
import { api, errorText } from '../lib/api.js';
import { localTime } from '../lib/format.js';
import type { AuditAction, AuditEntry } from '../lib/types.js';
import { StaffPage } from '../components/StaffPage.js';

const PAGE_SIZE = 50;

export const ACTION_LABELS: Record<AuditAction, string> = {
  sign_in: 'signed in',
  sign_in_failed: 'sign-in failed',
  sign_out: 'signed out',
  user_added: 'user added',
  user_changed: 'user changed',
  password_reset: 'password reset',
  token_created: 'token created',
  token_revoked: 'token revoked',
  settings: 'settings changed',
  data_purged: 'data purged',
  candidate_exported: 'candidate data exported',
  candidate_erased: 'candidate data erased',
};

/** An entry's detail as "key: value" pairs (values that are objects as JSON). */
function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

/** Admins: who did what (sign-ins and failures, user changes, tokens, data deletion), newest first, a page at a time. */
export function AuditPage() {
  return <StaffPage title="Audit log" role="admin">{(_me, refused) => <Audit refused={refused} />}</StaffPage>;
}

function Audit({ refused }: { refused(err: unknown): boolean }) {
  /** The `before` cursor of each page shown so far: the last one is this page's (undefined: the newest). */
  const [cursors, setCursors] = useState<Array<number | undefined>>([undefined]);
  const [entries, setEntries] = useState<AuditEntry[]>();
  const [error, setError] = useState<string>();
  const before = cursors[cursors.length - 1];

  const load = useCallback(() => {
    api.audit(PAGE_SIZE, before).then(
      (list) => {
        setEntries(list);
        setError(undefined);
      },
      (err: unknown) => refused(err) || setError(errorText(err)),
    );
  }, [before, refused]);
  useEffect(load, [load]);

  const last = entries?.[entries.length - 1];
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">Sign-ins and failed attempts, changes to users and tokens, exports and deletion of candidate data. Newest first.</p>
      <nav className="row" aria-label="Audit log pages">
        <button type="button" className="btn small" onClick={() => setCursors([undefined])} disabled={before === undefined}>
          Newest
        </button>
        <button type="button" className="btn small" onClick={() => setCursors(cursors.slice(0, -1))} disabled={cursors.length < 2}>
          Newer
        </button>
        <button type="button" className="btn small" onClick={() => last && setCursors([...cursors, last.id])} disabled={!entries || entries.length < PAGE_SIZE}>
          Older
        </button>
        <button type="button" className="btn small ghost" onClick={load}>
          Refresh
        </button>
      </nav>
      {error && (
        <p className="banner danger" role="alert">
          {error}
        </p>
      )}
      {!entries && !error && <p className="muted">Loading the audit log…</p>}
      {entries && entries.length === 0 && <p className="muted">Nothing recorded yet.</p>}
      {entries && entries.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Audit log entries">
          <table className="interviews" data-testid="audit">
            <caption className="sr-only">Audit log entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Target</th>
                <th scope="col">Detail</th>
                <th scope="col">Address</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-action={e.action} data-entry={e.id}>
                  <td className="nowrap">
                    <time dateTime={e.at}>{localTime(e.at)}</time>
                  </td>
                  <td>
                    <span className={`audit-action audit-${e.action}`}>{ACTION_LABELS[e.action] ?? e.action}</span>
                  </td>
                  <td>{e.actor}</td>
                  <td>{e.target ?? ''}</td>
                  <td className="small audit-detail">{detailText(e.detail)}</td>
                  <td className="mono small">{e.address ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
