import { useEffect, useRef, useState } from 'react';
import { api, errorText } from '../lib/api.js';
import { clock, secondsBetween, timeOfDay } from '../lib/format.js';
import { needsNotice, noticeAccepted } from '../lib/notice.js';
import { practiceScenario, recordSolve } from '../lib/progress.js';
import { LIVE_STATES, type Session } from '../lib/types.js';
import { ChecksPanel } from '../components/ChecksPanel.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { ConnectionBanner } from '../components/ConnectionBanner.js';
import { Countdown, Elapsed } from '../components/Countdown.js';
import { HintsPanel } from '../components/HintsPanel.js';
import { Markdown } from '../components/Markdown.js';
import { PrivacyNotice } from '../components/PrivacyNotice.js';
import { Brand, Category, Difficulty, MessagePage } from '../components/Shell.js';
import { SolutionPanel, showSolution } from '../components/SolutionPanel.js';
import { EnvironmentOverlay } from '../components/StartupProgress.js';
import { TerminalCaption } from '../components/TerminalCaption.js';
import { TimeWarning } from '../components/TimeWarning.js';
import { LiveTerminal } from '../terminal/LiveTerminal.js';
import { useLiveSession } from '../terminal/useLiveSession.js';
import { ClosedPage } from './ClosedPage.js';
import { InviteClosedPage, InviteEarlyPage } from './InvitePage.js';
import { LobbyPage } from './LobbyPage.js';

/** The candidate's (or a viewer's) page: brief, terminal, checks, hints, time. */
export function SessionPage({ id, token }: { id: string; token: string }) {
  const [accepted, setAccepted] = useState(() => noticeAccepted(id));
  const live = useLiveSession(id, token, accepted);
  const { session, socket } = live;
  const [solution, setSolution] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  // Whether the first copy of the session already carried the write-up: only one that appears later is scrolled to.
  const solutionAtLoad = useRef<boolean>(undefined);

  useEffect(() => {
    if (session) document.title = `${session.state === 'solved' ? '✓ ' : ''}${session.scenario.title} — Faultline`;
    const scenarioId = session && (session.scenario.id ?? practiceScenario.of(session.id));
    if (scenarioId && session.mode === 'practice' && session.role === 'candidate' && session.state === 'solved' && session.readyAt && session.solvedAt) {
      recordSolve(scenarioId, session.id, secondsBetween(session.readyAt, session.solvedAt));
    }
    if (session && solutionAtLoad.current === undefined) solutionAtLoad.current = Boolean(session.solution);
  }, [session]);

  if (live.fatal) return <MessagePage title="This link does not work" tone="danger"><p>{live.fatal}</p><p><a href="/">Back to the scenarios</a></p></MessagePage>;
  if (!session) return <MessagePage title="Opening the session…" />;
  // A started interview's invite stays open: closed or revoked means it never ran (a window nobody started expires).
  if (session.invite === 'revoked' || session.invite === 'closed') return <InviteClosedPage session={session} />;
  if (session.state === 'scheduled') {
    // A watcher of a booked interview, or a candidate in the window: the lobby until the interviewer starts.
    if (session.invite === 'early' && session.role === 'candidate') return <InviteEarlyPage session={session} onDue={live.refresh} />;
    return (
      <LobbyPage
        session={session}
        socket={socket}
        connection={live.connection}
        notice={needsNotice(session, accepted) ? { token, onAccepted: () => setAccepted(true) } : undefined}
      />
    );
  }
  if (!LIVE_STATES.has(session.state) && session.state !== 'failed') return <ClosedPage session={session} token={token} solution={solution} />;
  if (needsNotice(session, accepted)) return <NoticePage session={session} token={token} onAccepted={() => setAccepted(true)} />;

  const candidate = session.role === 'candidate';
  const practice = session.mode === 'practice';
  const mayAct = candidate && practice;
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
  const shownSolution = solution ?? session.solution;
  const giveUpUnavailable =
    session.state === 'starting'
      ? session.readyAt
        ? 'Available again once your environment is rebuilt'
        : 'Available once your environment is ready'
      : session.firstSolvedAt
        ? 'You solved it: the write-up is shown in the sidebar'
        : shownSolution
          ? 'The solution is shown in the sidebar'
          : undefined;

  return (
    <div className="page session-page">
      <header className="topbar">
        <Brand />
        <div className="topbar-title">
          <h1>{session.scenario.title}</h1>
          <Category name={session.scenario.category} />
          <Difficulty level={session.scenario.difficulty} />
          <span className="badge mode">{practice ? 'Practice' : candidate ? 'Interview' : 'Watching (read-only)'}</span>
          <PartBadge part={session.part} />
        </div>
        <div className="topbar-right">
          <Elapsed from={session.readyAt} until={session.solvedAt} label={session.state === 'solved' ? 'Solved in' : 'Elapsed'} />
          <Countdown expiresAt={session.expiresAt} readyAt={session.readyAt} limitMinutes={session.scenario.timeLimitMinutes + (session.extendedMinutes ?? 0)} />
          <ConnectionDot connection={live.connection} />
        </div>
      </header>
      <ConnectionBanner connection={live.connection} onRetry={() => socket?.reconnectNow()} />
      <TimeWarning session={session} />
      {session.state === 'solved' && <SolvedBanner session={session} />}
      {session.state === 'ready' && session.firstSolvedAt && session.readyAt && (
        <div className="banner info" role="status" aria-live="polite" data-testid="first-solved">
          Solved once at {clock(secondsBetween(session.readyAt, session.firstSolvedAt))}, but not any more: a check fails now.
        </div>
      )}
      <main id="main" className="workspace">
        {/* First in the page: on narrow screens it comes before the brief, and Escape then Tab leaves it for the sidebar. */}
        <section className="terminal-area" aria-label="Terminal">
          <TerminalCaption label={candidate ? 'Terminal' : 'Candidate terminal · read-only'} interactive={candidate} />
          {live.terminalError && (
            <p className="banner danger" role="alert">
              {live.terminalError}
            </p>
          )}
          {socket && (
            <LiveTerminal socket={socket} interactive={candidate} active={live.tabActive} label={candidate ? 'Terminal: type here' : 'Candidate terminal (read-only)'} />
          )}
          {candidate && !live.tabActive && <OtherTabOverlay onUseHere={live.useHere} />}
          <EnvironmentOverlay
            session={session}
            message={live.statusMessage}
            onRetry={mayAct ? act(() => api.reset(session.id, token)) : undefined}
          />
        </section>
        <aside className="sidebar" aria-label="Scenario">
          <section className="panel brief" aria-labelledby="brief-title">
            <h2 id="brief-title">Brief</h2>
            {session.brief ? <Markdown text={session.brief} /> : <p className="muted">The brief appears once the environment is ready.</p>}
          </section>
          <ChecksPanel
            checks={session.checks}
            disabled={!running}
            visibility={candidate ? session.checkVisibility : undefined}
            run={candidate ? { id: session.id, token, onResult: (checks) => live.setSession({ ...session, checks }) } : undefined}
          />
          {session.escalations.length > 0 && (
            <section className="panel escalation" aria-labelledby="esc-title" aria-live="polite">
              <h2 id="esc-title">New development</h2>
              {/* Escalation titles are written for the interviewer and name the cause: candidates get only the notice. */}
              <ul>
                {session.escalations.map((e) => (
                  <li key={e.appliedAt}>
                    <span className="muted">{timeOfDay(e.appliedAt)}</span> {e.title ?? e.notice}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <HintsPanel session={session} reveal={mayAct ? { token, onRevealed: live.refresh } : undefined} />
          {shownSolution && (
            <SolutionPanel
              text={shownSolution}
              announce={solutionAtLoad.current === false}
              intro={session.firstSolvedAt ? 'You solved it. This is how the scenario was meant to be fixed; compare it with what you did.' : undefined}
            />
          )}
          {mayAct && (
            <section className="panel actions" aria-label="Session actions">
              <ConfirmButton
                label="Reset environment"
                question={<p>Rebuild every host from scratch? Your changes are lost; the fault comes back. The timer keeps running.</p>}
                confirmLabel="Reset"
                onConfirm={act(() => api.reset(session.id, token))}
                unavailable={running ? undefined : 'Available once your environment is ready'}
              />
              <ConfirmButton
                label="Give up"
                question={<p>Show the solution? The scenario will not count as solved by you.</p>}
                confirmLabel="Show solution"
                onConfirm={act(async () => setSolution(await api.giveUp(session.id, token)))}
                // The button it came from is disabled now: the solution takes the focus (if it came).
                onClosed={() => showSolution(true)}
                tone="danger"
                unavailable={giveUpUnavailable}
              />
              <ConfirmButton
                label="End session"
                question={<p>Stop this session and remove its containers?</p>}
                confirmLabel="End session"
                onConfirm={act(() => api.end(session.id, token))}
                tone="danger"
              />
              {actionError && (
                <p className="error-text" role="alert">
                  {actionError}
                </p>
              )}
            </section>
          )}
        </aside>
      </main>
    </div>
  );
}

/** An interview candidate's page before the terminal opens: the privacy notice, nothing else. */
function NoticePage({ session, token, onAccepted }: { session: Session; token: string; onAccepted(): void }) {
  return (
    <div className="page notice-page">
      <header className="topbar">
        <Brand />
        <div className="topbar-title">
          <h1>{session.scenario.title}</h1>
          <Category name={session.scenario.category} />
          <Difficulty level={session.scenario.difficulty} />
          <span className="badge mode">Interview</span>
          <PartBadge part={session.part} />
        </div>
      </header>
      <main id="main" className="notice-main">
        <PrivacyNotice session={session} token={token} action="I understand, open the terminal" onAccepted={onAccepted} />
      </main>
    </div>
  );
}

function SolvedBanner({ session }: { session: Session }) {
  const seconds = session.readyAt && session.solvedAt ? secondsBetween(session.readyAt, session.solvedAt) : undefined;
  return (
    <div className="banner success solved-banner" role="status" aria-live="polite" data-testid="solved">
      <span className="solved-mark" aria-hidden="true">
        ✓
      </span>
      <div>
        <strong>Solved{seconds !== undefined && ` in ${clock(seconds)}`}.</strong>{' '}
        {session.firstSolvedAt && session.readyAt && session.firstSolvedAt !== session.solvedAt && `First solved at ${clock(secondsBetween(session.readyAt, session.firstSolvedAt))}. `}
        {session.mode === 'practice' ? 'Every check passes. Keep exploring, or end the session when you are done.' : 'Every check passes. Walk your interviewer through what you found.'}
      </div>
      {session.solution && (
        <button type="button" className="btn small ghost" onClick={() => showSolution(true)}>
          Read the write-up
        </button>
      )}
    </div>
  );
}

/** The candidate's link is open in another tab, which types and sets the size; this one watches until told otherwise. */
function OtherTabOverlay({ onUseHere }: { onUseHere(): void }) {
  return (
    <div className="terminal-overlay" data-testid="other-tab">
      <div className="startup" role="status" aria-live="polite">
        <h2>This session is open in another tab</h2>
        <p>The terminal is in use there: that tab types and decides the terminal&apos;s size. This tab shows the same screen and will not type.</p>
        <button type="button" className="btn primary" onClick={onUseHere}>
          Use here
        </button>
      </div>
    </div>
  );
}

/** "Part 2 of 3" for an interview of several scenarios; nothing for one. */
export function PartBadge({ part }: { part: Session['part'] | undefined }) {
  if (!part || part.total <= 1) return null;
  return (
    <span className="badge part" data-testid="part">
      Part {part.index + 1} of {part.total}
    </span>
  );
}

export function ConnectionDot({ connection }: { connection: string }) {
  const label = connection === 'open' ? 'Connected' : connection === 'reconnecting' ? 'Reconnecting' : connection === 'closed' ? 'Disconnected' : 'Connecting';
  return (
    <span className={`conn conn-${connection}`} role="status" aria-label={`Terminal ${label.toLowerCase()}`} title={label}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}
