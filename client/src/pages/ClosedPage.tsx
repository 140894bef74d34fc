import { outcomeHeadline } from '../lib/outcome.js';
import type { Session } from '../lib/types.js';
import { MessagePage } from '../components/Shell.js';
import { SolutionPanel } from '../components/SolutionPanel.js';

/** What a candidate or viewer sees once a session is over. */
export function ClosedPage({ session, token, solution }: { session: Session; token: string; solution?: string }) {
  const title = session.state === 'expired' ? 'Time is up' : 'This session has ended';
  const mayReplay = session.role !== 'candidate' || session.mode === 'practice';
  const shownSolution = solution ?? session.solution;
  return (
    <MessagePage title={title} tone={session.solvedAt ? 'success' : 'normal'}>
      <p className="lead">{session.scenario.title}</p>
      <p>
        <span data-testid="outcome">{outcomeHeadline(session, true)}.</span>{' '}
        {session.state === 'expired' ? 'The time limit ran out and the environment was removed.' : 'The environment has been removed.'}
      </p>
      {session.mode === 'interview' && session.role === 'candidate' && <p>Thank you — your interviewer will take it from here.</p>}
      <p className="row">
        {mayReplay && (
          <a className="btn" href={`/r/${session.id}#${token}`}>
            Watch the replay
          </a>
        )}
        {session.mode === 'practice' && (
          <a className="btn primary" href="/">
            Back to the scenarios
          </a>
        )}
      </p>
      {/* A practice candidate who solved it, gave up or ran out of time reads the write-up here. */}
      {shownSolution && (
        <SolutionPanel text={shownSolution} announce={false} intro={session.solvedAt || session.firstSolvedAt ? 'How the scenario was meant to be fixed; compare it with what you did.' : 'How the scenario is fixed.'} />
      )}
    </MessagePage>
  );
}
