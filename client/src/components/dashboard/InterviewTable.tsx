import { useState } from 'react';
import { appHref } from '../../lib/route.js';
import type { InterviewRow, InterviewStatus } from '../../lib/types.js';
import { browserTimeZone, windowText } from '../../lib/zoned.js';
import { ConfirmButton } from '../ConfirmButton.js';

export const STATUS_LABELS: Record<InterviewStatus, string> = {
  scheduled: 'scheduled',
  waiting: 'candidate waiting',
  live: 'live',
  finished: 'finished',
  expired: 'expired',
  failed: 'failed',
  revoked: 'revoked',
};

function localTime(iso: string): string {
  return new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

/** The role token a link carries in its fragment (the interviewer's acts on its session). */
export function tokenOf(link: string): string {
  return decodeURIComponent(new URL(link, window.location.origin).hash.replace(/^#/, ''));
}

/** Copies the link; where the browser refuses (plain http), shows it selected for Ctrl+C instead. */
function CopyLinkButton({ link, who }: { link: string; who: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setState('copied');
      window.setTimeout(() => setState('idle'), 1500);
    } catch {
      setState('manual');
    }
  };
  if (state === 'manual') {
    return <input className="mono small" readOnly value={link} aria-label={`Candidate link for ${who}`} autoFocus onFocus={(e) => e.currentTarget.select()} />;
  }
  return (
    <button type="button" className="btn small" onClick={copy} aria-label={`Copy candidate link for ${who}`}>
      {state === 'copied' ? 'Copied' : 'Copy candidate link'}
    </button>
  );
}

function When({ row }: { row: InterviewRow }) {
  if (!row.window) return <>{localTime(row.startedAt ?? row.createdAt)}</>;
  const zoned = windowText(row.window);
  const local = windowText(row.window, browserTimeZone());
  return (
    <>
      {zoned} <span className="muted small">({row.window.timeZone})</span>
      {local !== zoned && <div className="muted small">{local} your time</div>}
    </>
  );
}

interface Props {
  rows: InterviewRow[];
  onRevoke(row: InterviewRow): Promise<void>;
}

/** The dashboard's interviews, newest first as the server sends them. */
export function InterviewTable({ rows, onRevoke }: Props) {
  return (
    <div className="table-wrap">
      <table className="interviews" data-testid="interviews">
        <caption className="sr-only">Interviews, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Candidate</th>
            <th scope="col">Scenarios</th>
            <th scope="col">Interviewer</th>
            <th scope="col">When</th>
            <th scope="col">Duration</th>
            <th scope="col">Solved</th>
            <th scope="col">Outcome</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const who = row.candidateName ?? 'unnamed candidate';
            return (
              <tr key={row.id} data-interview={row.id} data-status={row.status}>
                <td>
                  <span className={`status status-${row.status}`}>{STATUS_LABELS[row.status]}</span>
                  {row.candidateConnected && row.status !== 'waiting' && <div className="muted tiny">candidate connected</div>}
                </td>
                <td>{row.candidateName ?? <span className="muted">—</span>}</td>
                <td>
                  {row.scenarios.length > 1 ? (
                    <ol className="compact">
                      {row.scenarios.map((s, i) => (
                        <li key={i}>{s}</li>
                      ))}
                    </ol>
                  ) : (
                    row.scenarios[0]
                  )}
                </td>
                <td>{row.interviewerName ?? <span className="muted">—</span>}</td>
                <td>
                  <When row={row} />
                </td>
                <td>{row.durationMinutes === undefined ? <span className="muted">—</span> : `${Math.round(row.durationMinutes)} min`}</td>
                <td>{row.solved ? `yes${row.firstSolvedAt ? `, ${localTime(row.firstSolvedAt)}` : ''}` : row.firstSolvedAt ? `once, ${localTime(row.firstSolvedAt)}` : 'no'}</td>
                <td>{row.outcome ? <span className={`outcome-text outcome-${row.outcome}`}>{row.outcome}</span> : <span className="muted">not scored</span>}</td>
                <td>
                  <div className="actions">
                    {/* Sessions from before the link key have no links to give again. */}
                    {!row.links.interviewer && <span className="muted small">No links (created before links could be given again)</span>}
                    {row.links.interviewer && (
                      <a className="btn small primary" href={appHref(row.links.interviewer)} aria-label={`Open console: ${who}`}>
                        Open console
                      </a>
                    )}
                    {row.links.report && (
                      <a className="btn small ghost" href={appHref(row.links.report)} aria-label={`Report: ${who}`}>
                        Report
                      </a>
                    )}
                    {row.links.replay && (
                      <a className="btn small ghost" href={appHref(row.links.replay)} aria-label={`Replay: ${who}`}>
                        Replay
                      </a>
                    )}
                    {row.status !== 'revoked' && row.links.candidate && <CopyLinkButton link={row.links.candidate} who={who} />}
                    {row.state === 'scheduled' && row.links.interviewer && (
                      <ConfirmButton
                        label="Revoke"
                        question={
                          <p>
                            Withdraw the invitation for <strong>{who}</strong>? Their link stops working and says the interview was cancelled.
                          </p>
                        }
                        confirmLabel="Revoke"
                        onConfirm={() => onRevoke(row)}
                        tone="danger"
                        className="small"
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
  );
}
