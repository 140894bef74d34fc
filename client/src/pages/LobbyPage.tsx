import type { Session } from '../lib/types.js';
import type { Connection, TerminalSocket } from '../terminal/socket.js';
import { ConnectionCheck } from '../components/ConnectionCheck.js';
import { ConnectionBanner } from '../components/ConnectionBanner.js';
import { PrivacyNotice } from '../components/PrivacyNotice.js';
import { ScratchTerminal } from '../components/ScratchTerminal.js';
import { Brand } from '../components/Shell.js';

/**
 * A scheduled interview's candidate, inside the window, before the interviewer starts: what to
 * expect, a connection check and a terminal to try. When the interviewer starts, the status
 * messages on this page's socket turn it into the session page (SessionPage).
 * With `notice` the candidate first reads the privacy notice: nothing connects until they go on.
 */
export function LobbyPage({
  session,
  socket,
  connection,
  notice,
}: {
  session: Session;
  socket: TerminalSocket | undefined;
  connection: Connection;
  notice?: { token: string; onAccepted(): void } | undefined;
}) {
  const total = session.part.total;
  const minutes = session.scenario.timeLimitMinutes;
  if (notice) {
    return (
      <div className="page lobby-page">
        <header className="topbar">
          <Brand />
          <div className="topbar-title">
            <h1>Interview lobby</h1>
            {session.candidateName && <span className="muted candidate-name">for {session.candidateName}</span>}
          </div>
        </header>
        <main id="main" className="lobby">
          <PrivacyNotice session={session} token={notice.token} action="I understand, continue" onAccepted={notice.onAccepted} />
        </main>
      </div>
    );
  }
  return (
    <div className="page lobby-page">
      <header className="topbar">
        <Brand />
        <div className="topbar-title">
          <h1>Interview lobby</h1>
          {session.candidateName && <span className="muted candidate-name">for {session.candidateName}</span>}
        </div>
      </header>
      <ConnectionBanner connection={connection} onRetry={() => socket?.reconnectNow()} />
      <main id="main" className="lobby">
        <section className="panel lobby-intro" aria-labelledby="lobby-title">
          <h2 id="lobby-title">Before you start</h2>
          <p className="lead">
            You will meet {session.interviewerName ?? 'your interviewer'} for a troubleshooting interview in a browser terminal.
          </p>
          <ul>
            <li data-testid="lobby-parts">
              {total > 1
                ? `${total} parts, one broken environment each, in order; the first has ${minutes} minutes. Your interviewer moves you on to the next part.`
                : `One broken environment to investigate and fix, in ${minutes} minutes.`}
            </li>
            <li>The session is recorded, and your interviewer sees your terminal as you type.</li>
            <li>Think aloud: how you narrow the problem down matters as much as the fix.</li>
          </ul>
        </section>
        {socket ? <ConnectionCheck socket={socket} connection={connection} /> : null}
        <ScratchTerminal />
        <section className="panel lobby-wait" aria-labelledby="wait-title">
          <h2 id="wait-title">Your interviewer</h2>
          <p className="row" role="status" aria-live="polite" data-testid="lobby-waiting">
            <span className="spinner" aria-hidden="true" />
            Waiting for your interviewer… Your terminal opens here when they start the interview.
          </p>
        </section>
      </main>
    </div>
  );
}
