import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, api, errorText, type InterviewFilter } from '../lib/api.js';
import { interviewerKey } from '../lib/progress.js';
import type { InterviewRow, InterviewStatus, ScenarioSummary } from '../lib/types.js';
import { InterviewTable, STATUS_LABELS, tokenOf } from '../components/dashboard/InterviewTable.js';
import { ScheduleForm } from '../components/dashboard/ScheduleForm.js';
import { Brand } from '../components/Shell.js';

/** Often enough to see a candidate arrive in the lobby while the interviewer watches the list. */
const REFRESH_MS = 5000;
const SEARCH_DELAY_MS = 300;

/** The interviewer's page: every interview with its status and links, search, export, and booking new ones. */
export function DashboardPage() {
  const [key, setKey] = useState(interviewerKey.get());
  const [keyError, setKeyError] = useState<string>();

  useEffect(() => {
    document.title = 'Interviews — Faultline';
  }, []);

  // A refused key is forgotten and asked for again, with the server's reason.
  const unauthorized = useCallback((err: unknown): boolean => {
    if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 403)) return false;
    interviewerKey.clear();
    setKey('');
    setKeyError(err.message);
    return true;
  }, []);

  return (
    <div className="page">
      <header className="topbar">
        <Brand />
        <nav aria-label="Pages" className="topbar-right small">
          <a href="/">Scenarios</a>
        </nav>
      </header>
      <main id="main" className="dashboard">
        <h1>Interviews</h1>
        {key ? (
          <Interviews interviewerKey={key} onUnauthorized={unauthorized} />
        ) : (
          <KeyForm
            error={keyError}
            onKey={(k) => {
              interviewerKey.set(k);
              setKeyError(undefined);
              setKey(k);
            }}
          />
        )}
      </main>
    </div>
  );
}

function KeyForm({ error, onKey }: { error: string | undefined; onKey(key: string): void }) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onKey(value.trim());
  };
  return (
    <form className="form panel key-form" onSubmit={submit} aria-labelledby="key-title">
      <h2 id="key-title">Interviewers only</h2>
      <label>
        Interviewer key
        <input type="password" value={value} onChange={(e) => setValue(e.target.value)} required autoComplete="current-password" placeholder="FAULTLINE_INTERVIEWER_KEY" autoFocus />
        <span className="muted small">The key the server was started with. Kept in this browser.</span>
      </label>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="btn primary" disabled={!value.trim()}>
          Show interviews
        </button>
      </div>
    </form>
  );
}

function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // After the click has handed the file to the browser's download.
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function Interviews({ interviewerKey: key, onUnauthorized }: { interviewerKey: string; onUnauthorized(err: unknown): boolean }) {
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
    api.interviews(key, filter).then(
      (list) => {
        setRows(list);
        setError(undefined);
      },
      (err: unknown) => onUnauthorized(err) || setError(errorText(err)),
    );
  }, [key, filter, onUnauthorized]);

  useEffect(() => {
    load();
    const t = window.setInterval(load, REFRESH_MS);
    return () => window.clearInterval(t);
  }, [load]);

  useEffect(() => {
    api.scenarios(key).then(setScenarios, (err: unknown) => onUnauthorized(err) || setError(errorText(err)));
  }, [key, onUnauthorized]);

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
      const file = await api.exportInterviews(key, format, filter);
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
          {showForm && <ScheduleForm interviewerKey={key} scenarios={scenarios} onCreated={load} onUnauthorized={onUnauthorized} />}
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
