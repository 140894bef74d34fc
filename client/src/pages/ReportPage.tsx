import { useEffect, useState } from 'react';
import { api, errorText } from '../lib/api.js';
import { clock, secondsBetween } from '../lib/format.js';
import { outcomeHeadline, solveStory } from '../lib/outcome.js';
import type { Session } from '../lib/types.js';
import { CommandReport } from '../components/CommandLog.js';
import { Markdown } from '../components/Markdown.js';
import { PartsReport } from '../components/PartsReport.js';
import { COMPETENCIES } from '../components/Scorecard.js';
import { Brand, MessagePage } from '../components/Shell.js';
import { Timeline } from '../components/Timeline.js';

/** A printable interview report: scenario, outcome, time, timeline, hints, notes and score. */
export function ReportPage({ id, token }: { id: string; token: string }) {
  const [session, setSession] = useState<Session>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    api.session(id, token).then(setSession, (err: unknown) => setError(errorText(err)));
  }, [id, token]);
  useEffect(() => {
    if (session) document.title = `Report: ${session.scenario.title}${session.candidateName ? ` — ${session.candidateName}` : ''}`;
  }, [session]);

  if (error) return <MessagePage title="No report" tone="danger"><p>{error}</p></MessagePage>;
  if (!session) return <MessagePage title="Loading the report…" />;
  if (session.role !== 'interviewer') {
    return (
      <MessagePage title="Only the interviewer can see the report" tone="danger">
        <p>This link is the {session.role}&apos;s. Open the report from the interviewer&apos;s console link.</p>
      </MessagePage>
    );
  }

  const story = solveStory(session, session.events ?? []);
  const timeUsed = session.readyAt ? clock(secondsBetween(session.readyAt, session.solvedAt ?? session.endedAt ?? new Date().toISOString())) : '—';
  const passed = session.checks.filter((c) => c.passed).length;
  const score = session.score;

  return (
    <div className="page report-page">
      <header className="topbar no-print">
        <Brand />
        <div className="topbar-right">
          <a className="btn ghost small" href={`/i/${session.id}#${token}`}>
            Back to the console
          </a>
          <button type="button" className="btn primary small" onClick={() => window.print()}>
            Print / save as PDF
          </button>
        </div>
      </header>
      <main id="main" className="report">
        <h1>Interview report</h1>
        <dl className="facts">
          <dt>Scenario</dt>
          <dd>
            {session.scenario.title} <span className="muted">({session.scenario.category.toUpperCase()}, {session.scenario.difficulty})</span>
          </dd>
          {session.candidateName && (
            <>
              <dt>Candidate</dt>
              <dd>{session.candidateName}</dd>
            </>
          )}
          <dt>Date</dt>
          <dd>{new Date(session.createdAt).toLocaleString()}</dd>
          {session.createdBy && (
            <>
              <dt>Created by</dt>
              <dd data-testid="created-by">{session.createdBy.name}</dd>
            </>
          )}
          <dt>Outcome</dt>
          <dd>
            {outcomeHeadline(session)} · checks {passed}/{session.checks.length} · state {session.state}
          </dd>
          {story && (
            <>
              <dt>Solve history</dt>
              <dd data-testid="solve-story">{story}</dd>
            </>
          )}
          <dt>Time used</dt>
          <dd>
            {timeUsed} of {session.scenario.timeLimitMinutes}:00
          </dd>
          <dt>Hints used</dt>
          <dd>
            {session.hints.revealed.length} of {session.hints.total}
          </dd>
          {session.escalations.length > 0 && (
            <>
              <dt>Escalations</dt>
              <dd>{session.escalations.map((e) => e.title).join('; ')}</dd>
            </>
          )}
        </dl>

        {session.parts && (session.parts.length > 1 || session.part.total > 1) && <PartsReport parts={session.parts} total={session.part.total} />}

        <section>
          <h2>Score</h2>
          {score ? (
            <>
              <p className={`outcome outcome-${score.outcome}`}>{score.outcome.toUpperCase()}</p>
              {score.author && (
                <p className="muted" data-testid="scored-by">
                  Scored by {score.author.name}, {new Date(score.at).toLocaleString()}
                </p>
              )}
              <table className="score-table">
                <tbody>
                  {COMPETENCIES.map((c) => (
                    <tr key={c.id}>
                      <th scope="row">{c.label}</th>
                      <td>
                        <span className="pips" aria-label={`${score.competencies[c.id]} of 5`}>
                          {'●'.repeat(score.competencies[c.id])}
                          <span className="muted">{'○'.repeat(5 - score.competencies[c.id])}</span>
                        </span>{' '}
                        {score.competencies[c.id]}/5
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {score.summary && <p className="summary">{score.summary}</p>}
            </>
          ) : (
            <p className="muted">Not scored yet.</p>
          )}
        </section>

        <section>
          <h2>Checks</h2>
          <ul className="plain">
            {session.checks.map((c) => (
              <li key={c.id}>
                {c.passed ? '✓' : '✗'} {c.title ?? c.symptom}
                {c.title && <span className="muted"> — candidate sees: {c.symptom}</span>}
              </li>
            ))}
          </ul>
        </section>

        {session.hints.revealed.length > 0 && (
          <section>
            <h2>Hints given</h2>
            <ol>
              {session.hints.revealed.map((h) => (
                <li key={h.index}>
                  <Markdown text={h.text} />
                </li>
              ))}
            </ol>
          </section>
        )}

        <section>
          <h2>Notes</h2>
          {(session.notes ?? []).length === 0 ? (
            <p className="muted">No notes.</p>
          ) : (
            <ul className="plain">
              {(session.notes ?? []).map((n) => (
                <li key={n.id}>
                  <span className="mono muted">{new Date(n.at).toLocaleTimeString()}</span> {n.text}
                  {n.author && <span className="muted"> — {n.author.name}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section>
          <h2>Commands</h2>
          <CommandReport session={session} token={token} />
        </section>

        <section>
          <h2>Timeline</h2>
          <Timeline events={session.events ?? []} notes={session.notes} />
        </section>
      </main>
    </div>
  );
}
