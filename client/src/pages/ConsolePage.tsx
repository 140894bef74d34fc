import { useEffect, useState } from 'react';
import { api, errorText } from '../lib/api.js';
import { clock, secondsBetween } from '../lib/format.js';
import { useSidePanel } from '../lib/side-panel.js';
import { LIVE_STATES, type Session } from '../lib/types.js';
import { ChecksPanel } from '../components/ChecksPanel.js';
import { CommandLog } from '../components/CommandLog.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { ConnectionBanner } from '../components/ConnectionBanner.js';
import { Countdown, Elapsed } from '../components/Countdown.js';
import { InlineMarkdown, Markdown } from '../components/Markdown.js';
import { NotesPanel } from '../components/NotesPanel.js';
import { Scorecard } from '../components/Scorecard.js';
import { Brand, Category, Difficulty, MessagePage } from '../components/Shell.js';
import { InterviewControls, PresenceLine, ScheduledPanel } from '../components/InterviewControls.js';
import { EnvironmentOverlay } from '../components/StartupProgress.js';
import { TerminalCaption } from '../components/TerminalCaption.js';
import { TimeWarning } from '../components/TimeWarning.js';
import { Timeline } from '../components/Timeline.js';
import { LiveTerminal } from '../terminal/LiveTerminal.js';
import { useLiveSession } from '../terminal/useLiveSession.js';
import { ConnectionDot, PartBadge } from './SessionPage.js';

type Tab = 'live' | 'commands' | 'notes' | 'timeline' | 'solution';
const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'live', label: 'Hints & escalations' },
  { id: 'commands', label: 'Commands' },
  { id: 'notes', label: 'Notes & score' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'solution', label: 'Solution' },
];

/** The interviewer's console: the candidate's terminal live, and everything to run the interview. */
export function ConsolePage({ id, token }: { id: string; token: string }) {
  const live = useLiveSession(id, token);
  const { session, socket } = live;
  const [tab, setTab] = useState<Tab>('live');
  const [actionError, setActionError] = useState<string>();
  const [panelOpen, setPanelOpen] = useSidePanel();

  useEffect(() => {
    if (session) document.title = `Console: ${session.scenario.title} — Faultline`;
  }, [session]);

  if (live.fatal) return <MessagePage title="This console link does not work" tone="danger"><p>{live.fatal}</p></MessagePage>;
  if (!session) return <MessagePage title="Opening the console…" />;
  if (session.role !== 'interviewer') {
    return (
      <MessagePage title="Not an interviewer link" tone="danger">
        <p>This token belongs to the {session.role}. Open the interviewer link from when the interview was created.</p>
      </MessagePage>
    );
  }

  const scheduled = session.state === 'scheduled';
  const over = !LIVE_STATES.has(session.state) && !scheduled;
  const running = session.state === 'ready' || session.state === 'solved';
  const act = (fn: () => Promise<unknown>) => async () => {
    setActionError(undefined);
    try {
      await fn();
      live.refresh();
    } catch (err) {
      setActionError(errorText(err));
    }
  };

  return (
    <div className="page console-page">
      <header className="topbar">
        <Brand />
        <div className="topbar-title">
          <h1>{session.scenario.title}</h1>
          <Category name={session.scenario.category} />
          <Difficulty level={session.scenario.difficulty} />
          <span className="badge mode">{session.mode === 'interview' ? 'Interviewer' : 'Practice'}</span>
          <PartBadge part={session.part} />
          {session.candidateName && (
            <span className="muted candidate-name" data-testid="candidate-name">
              with {session.candidateName}
            </span>
          )}
        </div>
        <div className="topbar-right">
          {session.mode === 'interview' && !over && <PresenceLine session={session} />}
          <StateBadge session={session} />
          <Elapsed from={session.readyAt} until={session.solvedAt ?? session.endedAt} label={session.solvedAt ? 'Solved in' : 'Elapsed'} />
          {session.firstSolvedAt && !session.solvedAt && session.readyAt && (
            <span className="badge" data-testid="first-solved">
              first solved at {clock(secondsBetween(session.readyAt, session.firstSolvedAt))}
            </span>
          )}
          {!scheduled && (
            <Countdown expiresAt={session.expiresAt} readyAt={session.readyAt} limitMinutes={session.scenario.timeLimitMinutes + (session.extendedMinutes ?? 0)} stopped={over} />
          )}
          {!over && <ConnectionDot connection={live.connection} />}
        </div>
      </header>
      {!over && <ConnectionBanner connection={live.connection} onRetry={() => socket?.reconnectNow()} />}
      <TimeWarning session={session} />
      <main id="main" className={`console ${panelOpen ? '' : 'panel-hidden'}`}>
        <section className="terminal-area" aria-label="Candidate terminal, read-only">
          <TerminalCaption label="Candidate terminal · read-only" interactive={false}>
            <span className="mono">
              {session.terminal.cols}×{session.terminal.rows}
            </span>
            <button type="button" className="btn ghost small" aria-expanded={panelOpen} aria-controls="console-side" onClick={() => setPanelOpen(!panelOpen)}>
              {panelOpen ? 'Hide the side panel' : 'Show the side panel'}
            </button>
          </TerminalCaption>
          {scheduled ? (
            <ScheduledPanel session={session} token={token} act={act} />
          ) : over ? (
            <div className="startup">
              <h2>The session is {session.state}</h2>
              <p className="row">
                <a className="btn primary" href={`/i/${session.id}/report#${token}`}>
                  Open the report
                </a>
                <a className="btn" href={`/r/${session.id}#${token}`}>
                  Watch the replay
                </a>
              </p>
            </div>
          ) : (
            socket && <LiveTerminal socket={socket} interactive={false} label="Candidate terminal (read-only)" />
          )}
          <EnvironmentOverlay session={session} message={live.statusMessage} onRetry={act(() => api.reset(session.id, token))} />
        </section>
        <aside className="console-side" id="console-side" aria-label="Interview controls" hidden={!panelOpen}>
          {session.mode === 'interview' && <InterviewControls session={session} token={token} act={act} disabled={over} />}
          <ChecksPanel checks={session.checks} disabled={!running} run={{ id: session.id, token, onResult: (checks) => live.setSession({ ...session, checks }) }} />
          <div className="tabs" role="tablist" aria-label="Console sections">
            {TABS.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                id={`tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls={`panel-${t.id}`}
                className={`tab ${tab === t.id ? 'on' : ''}`}
                onClick={() => setTab(t.id)}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
            {tab === 'live' && <LiveControls session={session} token={token} disabled={over} act={act} />}
            {tab === 'commands' && <CommandLog session={session} token={token} socket={socket} />}
            {tab === 'notes' && (
              <>
                {/* Here, not in the header: the header must stay one line on a laptop for the terminal's sake. */}
                {session.createdBy && (
                  <p className="muted small" data-testid="created-by">
                    Interview created by {session.createdBy.name}
                  </p>
                )}
                <NotesPanel sessionId={session.id} token={token} notes={session.notes ?? []} onAdded={live.refresh} />
                <Scorecard sessionId={session.id} token={token} score={session.score} onSaved={live.refresh} />
              </>
            )}
            {tab === 'timeline' && (
              <section className="panel">
                <h2>Timeline</h2>
                <Timeline events={session.events ?? []} notes={session.notes} />
              </section>
            )}
            {tab === 'solution' && (
              <section className="panel">
                <h2>Solution (interviewer only)</h2>
                {over ? (
                  <p className="muted">Withheld once the session is over.</p>
                ) : session.solution === undefined ? (
                  <p className="muted">The solution appears once the environment is ready: it is written for the variant the environment draws.</p>
                ) : (
                  <Markdown text={session.solution} />
                )}
              </section>
            )}
          </div>
          <div className="console-actions">
            <a className="btn ghost small" href={`/i/${session.id}/report#${token}`} target="_blank" rel="noreferrer">
              Report
            </a>
            <a className="btn ghost small" href={`/r/${session.id}#${token}`} target="_blank" rel="noreferrer">
              Replay
            </a>
            <ConfirmButton
              label="Reset"
              question={<p>Rebuild the candidate&apos;s environment from scratch (same variant)? Their changes are lost.</p>}
              confirmLabel="Reset environment"
              onConfirm={act(() => api.reset(session.id, token))}
              disabled={over}
              className="small"
            />
            <ConfirmButton
              label="End interview"
              question={<p>End the interview now? The candidate&apos;s terminal closes and the environment is removed. Notes and score stay, and you can still add to them afterwards.</p>}
              confirmLabel="End interview"
              onConfirm={act(() => api.end(session.id, token))}
              tone="danger"
              disabled={over}
              className="small"
            />
          </div>
          {actionError && (
            <p className="error-text" role="alert">
              {actionError}
            </p>
          )}
        </aside>
      </main>
    </div>
  );
}

function StateBadge({ session }: { session: Session }) {
  return <span className={`badge state state-${session.state}`}>{session.state}</span>;
}

/** Hints and escalations are shown once the environment has rendered them for its variant: before that their text has placeholders. */
function LiveControls({ session, token, disabled, act }: { session: Session; token: string; disabled: boolean; act(fn: () => Promise<unknown>): () => Promise<void> }) {
  const all = session.allHints;
  const revealed = session.hints.revealed.length;
  const applied = new Set(session.escalations.map((e) => e.id));
  if (!all || !session.availableEscalations) {
    return (
      <section className="panel" data-testid="controls-pending">
        <h2>Hints and escalations</h2>
        <p className="muted small">
          They appear once the environment is ready: their text names the variant it draws ({session.hints.total} hints).
        </p>
      </section>
    );
  }
  return (
    <>
      <section className="panel" aria-labelledby="ihints-title">
        <header className="panel-head">
          <h2 id="ihints-title">
            Hints <span className="count">{revealed}/{all.length}</span>
          </h2>
          {revealed < all.length ? (
            <button type="button" className="btn small" onClick={act(() => api.revealHint(session.id, token))} disabled={disabled || session.state === 'starting'}>
              Reveal hint {revealed + 1}
            </button>
          ) : (
            <span className="muted small">All shown</span>
          )}
        </header>
        <ol className="hints interviewer">
          {all.map((text, i) => (
            <li key={i} className={i < revealed ? 'revealed' : 'hidden-hint'}>
              <span className="hint-state">{i < revealed ? 'shown' : 'not shown'}</span>
              <InlineMarkdown text={text} />
            </li>
          ))}
        </ol>
      </section>
      <section className="panel" aria-labelledby="esc-title">
        <h2 id="esc-title">Escalations</h2>
        {session.availableEscalations.length === 0 && <p className="muted small">This scenario has no escalations.</p>}
        <ul className="escalations">
          {session.availableEscalations.map((e) => (
            <li key={e.id}>
              <div>
                <strong>{e.title}</strong>
                <p className="muted small">{e.description}</p>
              </div>
              {applied.has(e.id) ? (
                <span className="badge">injected</span>
              ) : (
                <ConfirmButton
                  label="Inject"
                  question={
                    <p>
                      Inject <strong>{e.title}</strong> into the running environment? The candidate sees a new development and a new check.
                    </p>
                  }
                  confirmLabel="Inject"
                  onConfirm={act(() => api.escalate(session.id, token, e.id))}
                  disabled={disabled || session.state === 'starting'}
                  className="small"
                />
              )}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
