import { useEffect } from 'react';
import type { Session } from '../lib/types.js';
import { windowStart, windowText } from '../lib/zoned.js';
import { MessagePage } from '../components/Shell.js';

/** The lobby opens some minutes before the window (a server setting): the page asks again this often. */
const RECHECK_MS = 30_000;

function withWhom(session: Session): string {
  return session.interviewerName ? ` with ${session.interviewerName}` : '';
}

function partsText(session: Session): string {
  const total = session.part.total;
  return total > 1 ? `${total} scenarios` : '1 scenario';
}

/** A scheduled interview's link before its window opens: when it will, and a look again at that moment. */
export function InviteEarlyPage({ session, onDue }: { session: Session; onDue(): void }) {
  const opensAt = session.window?.opensAt;
  useEffect(() => {
    const poll = window.setInterval(onDue, RECHECK_MS);
    // And right at the start of the window (a second late, so the server's clock agrees), if that comes first.
    const due = opensAt ? Date.parse(opensAt) - Date.now() + 1000 : Infinity;
    const timer = due < RECHECK_MS ? window.setTimeout(onDue, Math.max(0, due)) : undefined;
    return () => {
      window.clearInterval(poll);
      window.clearTimeout(timer);
    };
  }, [opensAt, onDue]);

  const start = session.window && windowStart(session.window);
  return (
    <MessagePage title="Your interview has not opened yet">
      <p className="lead" data-testid="invite-early">
        {start ? (
          <>
            Your interview opens at <time dateTime={session.window?.opensAt}>{start.zoned}</time>
            {start.local && (
              <>
                {' '}
                — <span data-testid="local-time">{start.local}</span> where you are
              </>
            )}
            .
          </>
        ) : (
          'Your interview opens later.'
        )}
      </p>
      <p>
        A troubleshooting interview{withWhom(session)}: {partsText(session)} in a browser terminal. Keep this page open; it moves on by
        itself when the time comes, or come back to the same link then.
      </p>
    </MessagePage>
  );
}

/** The link is past its window, or the interviewer withdrew it. */
export function InviteClosedPage({ session }: { session: Session }) {
  const revoked = session.invite === 'revoked';
  const contact = session.interviewerName ? `${session.interviewerName}, your interviewer,` : 'the person who sent you this link';
  return (
    <MessagePage title={revoked ? 'This interview was cancelled' : 'This interview link has expired'} tone="danger">
      <p data-testid={revoked ? 'invite-revoked' : 'invite-closed'}>
        {revoked
          ? 'The interviewer withdrew this invitation, so the link no longer opens an interview.'
          : `The link worked ${session.window ? windowText(session.window) : 'during its booked window'} only, and that window is over.`}
      </p>
      <p>Please contact {contact} if you expected to take part: they can send you a new link.</p>
    </MessagePage>
  );
}
