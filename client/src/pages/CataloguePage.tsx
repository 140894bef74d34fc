import { useEffect, useMemo, useState } from 'react';
import { api, errorText } from '../lib/api.js';
import { filtersFromSearch, matchesFilters, searchFromFilters, type CatalogueFilters } from '../lib/catalogue-filters.js';
import { clock } from '../lib/format.js';
import { interviewerKey, loadProgress, practiceScenario } from '../lib/progress.js';
import { navigate } from '../lib/route.js';
import type { ScenarioSummary } from '../lib/types.js';
import { Brand, Category, Difficulty } from '../components/Shell.js';
import { InterviewDialog } from './InterviewDialog.js';

const DIFFICULTY_ORDER = ['easy', 'medium', 'hard'];

/** Home: every scenario, filterable, with practice and interview entry points. */
export function CataloguePage() {
  const [scenarios, setScenarios] = useState<ScenarioSummary[]>();
  const [error, setError] = useState<string>();
  const [filters, setFilters] = useState(() => filtersFromSearch(window.location.search));
  const { query, category, difficulty } = filters;
  const [starting, setStarting] = useState<string>();
  const [interviewFor, setInterviewFor] = useState<ScenarioSummary>();
  const progress = useMemo(() => loadProgress(), []);

  useEffect(() => {
    document.title = 'Faultline — scenarios';
    // A browser that holds the interviewer key sees tags too (they name causes, so the public list has none).
    api.scenarios(interviewerKey.get() || undefined).then(setScenarios, (err: unknown) => setError(errorText(err)));
    // Back and Forward between catalogue addresses bring their filters back.
    const restore = () => setFilters(filtersFromSearch(window.location.search));
    window.addEventListener('popstate', restore);
    return () => window.removeEventListener('popstate', restore);
  }, []);

  /** Filters go into the address as they change (replacing it: typing is not a trail of history entries). */
  const update = (change: Partial<CatalogueFilters>) => {
    const next = { ...filters, ...change };
    setFilters(next);
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${searchFromFilters(next)}`);
  };

  const categories = useMemo(() => [...new Set((scenarios ?? []).map((s) => s.category))].sort(), [scenarios]);
  const visible = useMemo(
    () =>
      (scenarios ?? [])
        .filter((s) => matchesFilters(s, filters))
        .sort((a, b) => a.category.localeCompare(b.category) || DIFFICULTY_ORDER.indexOf(a.difficulty) - DIFFICULTY_ORDER.indexOf(b.difficulty) || a.title.localeCompare(b.title)),
    [scenarios, filters],
  );
  const groups = useMemo(
    () => [...new Set(visible.map((s) => s.category))].map((c) => ({ category: c, scenarios: visible.filter((s) => s.category === c) })),
    [visible],
  );
  const solvedCount = Object.keys(progress).filter((id) => scenarios?.some((s) => s.id === id)).length;

  const practice = async (s: ScenarioSummary) => {
    setStarting(s.id);
    setError(undefined);
    try {
      const created = await api.create({ scenarioId: s.id, mode: 'practice' });
      practiceScenario.remember(created.session.id, s.id);
      navigate(`/s/${created.session.id}#${created.tokens.candidate}`);
    } catch (err) {
      setError(`Could not start ${s.title}: ${errorText(err)}`);
      setStarting(undefined);
    }
  };

  return (
    <div className="page">
      <header className="topbar">
        <Brand />
        <nav aria-label="Progress" className="topbar-right muted small">
          {scenarios && `${solvedCount} of ${scenarios.length} solved in this browser`}
          <a href="/dashboard" className="btn small ghost">
            Interviews dashboard
          </a>
        </nav>
      </header>
      <main id="main" className="catalogue">
        <section className="hero">
          <h1>Break it. Find it. Fix it.</h1>
          <p className="muted">
            Real broken networks in throwaway containers — DNS, TLS, TCP and HTTP faults. Practise alone, or run a live interview and
            watch the terminal as it happens.
          </p>
        </section>

        <div className="filters" role="search">
          <label className="search">
            <span className="sr-only">Search scenarios</span>
            <input type="search" placeholder="Search scenarios…" value={query} onChange={(e) => update({ query: e.target.value })} />
          </label>
          <div className="chips" role="radiogroup" aria-label="Category">
            {['all', ...categories].map((c) => (
              <button key={c} type="button" role="radio" aria-checked={category === c} className={`chip ${category === c ? 'on' : ''}`} onClick={() => update({ category: c })}>
                {c === 'all' ? 'All' : c.toUpperCase()}
              </button>
            ))}
          </div>
          <label className="select">
            <span className="sr-only">Difficulty</span>
            <select value={difficulty} onChange={(e) => update({ difficulty: e.target.value })} aria-label="Difficulty">
              <option value="all">Any difficulty</option>
              {DIFFICULTY_ORDER.map((d) => (
                <option key={d} value={d}>
                  {d[0]?.toUpperCase() + d.slice(1)}
                </option>
              ))}
            </select>
          </label>
        </div>

        {error && (
          <p className="banner danger" role="alert">
            {error}
          </p>
        )}
        {!scenarios && !error && <p className="muted">Loading scenarios…</p>}
        {scenarios && visible.length === 0 && (
          <p className="muted">
            No scenario matches these filters.{' '}
            <button type="button" className="btn small ghost" onClick={() => update({ query: '', category: 'all', difficulty: 'all' })}>
              Clear the filters
            </button>
          </p>
        )}

        {groups.map((group) => (
          <section key={group.category} className="group" aria-labelledby={`cat-${group.category}`}>
            <h2 id={`cat-${group.category}`} className="group-title">
              {group.category.toUpperCase()} <span className="muted small">{group.scenarios.length}</span>
            </h2>
            <ul className="cards">
              {group.scenarios.map((s) => {
                const done = progress[s.id];
                return (
                  <li key={s.id} className="card" data-scenario={s.id}>
                    <div className="card-meta">
                      <Category name={s.category} />
                      <Difficulty level={s.difficulty} />
                      <span className="muted small">{s.timeLimitMinutes} min</span>
                      {done && (
                        <span className="badge solved" title={`Solved ${done.attempts}×`}>
                          ✓ best {clock(done.bestSeconds)}
                        </span>
                      )}
                    </div>
                    <h2 className="card-title">{s.title}</h2>
                    <p className="card-summary">{s.summary}</p>
                    {s.tags && (
                      <div className="tags">
                        {s.tags.map((t) => (
                          <span key={t} className="tag">
                            {t}
                          </span>
                        ))}
                      </div>
                    )}
                    <div className="card-actions">
                      <button type="button" className="btn primary" onClick={() => practice(s)} disabled={starting !== undefined} aria-label={`Practice ${s.title}`}>
                        {starting === s.id ? 'Starting…' : 'Practice'}
                      </button>
                      <button type="button" className="btn" onClick={() => setInterviewFor(s)} aria-label={`Create interview: ${s.title}`}>
                        Interview…
                      </button>
                      <span className="muted small card-foot">
                        {s.hintCount} hints{s.escalationCount > 0 && ` · ${s.escalationCount} escalation${s.escalationCount > 1 ? 's' : ''}`}
                      </span>
                    </div>
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
      </main>
      {interviewFor && <InterviewDialog scenario={interviewFor} onClose={() => setInterviewFor(undefined)} />}
    </div>
  );
}
