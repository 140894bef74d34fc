import { useCallback, useEffect, useState } from 'react';
import { api, errorText, type InterviewFilter } from '../lib/api.js';
import { saveFile } from '../lib/download.js';
import type { InterviewRow, InterviewStatus, ScenarioSummary } from '../lib/types.js';
import { InterviewTable, STATUS_LABELS, tokenOf } from '../components/dashboard/InterviewTable.js';
import { ScheduleForm } from '../components/dashboard/ScheduleForm.js';
import { StaffPage } from '../components/StaffPage.js';

/** Often enough to see a candidate arrive in the lobby while the interviewer watches the list. */
const REFRESH_MS = 5000;
const SEARCH_DELAY_MS = 300;

/**
 * The interviewers' page: every interview with its status and links, search, export, and booking
 * new ones. Behind sign-in: the staff member's cookie authorizes its calls.
 */
export function DashboardPage() {
  return (
    <StaffPage title="Interviews">
      {(_me, refused) => (
        <>
          <h1>Interviews</h1>
          <Interviews onUnauthorized={refused} />
        </>
      )}
    </StaffPage>
  );
}

function Interviews({ onUnauthorized }: { onUnauthorized(err: unknown): boolean }) {
  const [rows, setRows] = useState<InterviewRow[]>();
  const [scenarios, setScenarios] = useState<ScenarioSummary[]>([]);
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<InterviewStatus | ''>('');
  const [filter, setFilter] = useState<InterviewFilter>({ q: '', status: '' });
  const [error, setError] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [showForm, setShowForm] = useState(false);

  // Typing waits for a pause; the status filter applies at once.
  useEffect(() => {
    const next = { q: q.trim(), status };
    const t = window.setTimeout(
      () => setFilter((prev) => (prev.q === next.q && prev.status === next.status ? prev : next)),
      next.q === filter.q ? 0 : SEARCH_DELAY_MS,
    );
    return () => window.clearTimeout(t);
  }, [q, status, filter.q]);

  const load = useCallback(() => {
    api.interviews(filter).then(
      (list) => {
        setRows(list);
        setError(undefined);
      },
      (err: unknown) => onUnauthorized(err) || setError(errorText(err)),
    );
  }, [filter, onUnauthorized]);

  useEffect(() => {
    load();
    const t = window.setInterval(load, REFRESH_MS);
    return () => window.clearInterval(t);
  }, [load]);

  useEffect(() => {
    api.scenarios().then(setScenarios, (err: unknown) => onUnauthorized(err) || setError(errorText(err)));
  }, [onUnauthorized]);

  const revoke = async (row: InterviewRow) => {
    setActionError(undefined);
    try {
      await api.revoke(row.id, tokenOf(row.links.interviewer));
      load();
    } catch (err) {
      setActionError(`Could not revoke the interview${row.candidateName ? ` with ${row.candidateName}` : ''}: ${errorText(err)}`);
    }
  };

  const exportAs = async (format: 'csv' | 'json') => {
    setActionError(undefined);
    try {
      const file = await api.exportInterviews(format, filter);
      saveFile(file.blob, file.filename);
    } catch (err) {
      if (!onUnauthorized(err)) setActionError(`Export failed: ${errorText(err)}`);
    }
  };

  return (
    <>
      <section className="panel" aria-labelledby="schedule-title">
        <header className="panel-head">
          <h2 id="schedule-title">Schedule interview</h2>
          <button type="button" className="btn small" aria-expanded={showForm} aria-controls="schedule-body" onClick={() => setShowForm(!showForm)}>
            {showForm ? 'Hide' : 'Schedule interview…'}
          </button>
        </header>
        <div id="schedule-body" hidden={!showForm}>
          {showForm && <ScheduleForm scenarios={scenarios} onCreated={load} onUnauthorized={onUnauthorized} />}
        </div>
      </section>

      <section aria-labelledby="list-title">
        <h2 id="list-title" className="sr-only">
          Interview list
        </h2>
        <div className="filters" role="search">
          <label className="search">
            <span className="sr-only">Search interviews</span>
            <input type="search" placeholder="Search candidate, interviewer, scenario…" value={q} onChange={(e) => setQ(e.target.value)} />
          </label>
          <label className="select">
            <span className="sr-only">Status</span>
            <select value={status} onChange={(e) => setStatus(e.target.value as InterviewStatus | '')}>
              <option value="">Any status</option>
              {(Object.keys(STATUS_LABELS) as InterviewStatus[]).map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn small" onClick={() => void exportAs('csv')}>
            Export CSV
          </button>
          <button type="button" className="btn small" onClick={() => void exportAs('json')}>
            Export JSON
          </button>
        </div>
        {(error ?? actionError) && (
          <p className="banner danger" role="alert">
            {actionError ?? error}
          </p>
        )}
        {!rows && !error && <p className="muted">Loading interviews…</p>}
        {rows && rows.length === 0 && (
          <p className="muted" data-testid="no-interviews">
            {filter.q || filter.status ? 'No interview matches this search.' : 'No interviews yet: schedule one above, or start one from a scenario.'}
          </p>
        )}
        {rows && rows.length > 0 && <InterviewTable rows={rows} onRevoke={revoke} />}
      </section>
    </>
  );
}
