import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, errorText } from '../lib/api.js';
import { LIVE_STATES, type CheckResult, type Session, type State } from '../lib/types.js';
import { needsNotice } from '../lib/notice.js';
import { TerminalSocket, type Connection } from './socket.js';

export interface LiveSession {
  session: Session | undefined;
  /** Set when the page cannot work at all: bad link, unknown session. */
  fatal: string | undefined;
  connection: Connection;
  /** The latest start-up progress or failure text from a status message. */
  statusMessage: string | undefined;
  /** A terminal-level error the server reported (e.g. the shell could not open). */
  terminalError: string | undefined;
  socket: TerminalSocket | undefined;
  /** For the candidate: false while another tab of the same link drives the shell. */
  tabActive: boolean;
  /** Take the shell over from the candidate's other tab ("Use here"). */
  useHere(): void;
  refresh(): void;
  setSession(session: Session): void;
}

/**
 * A session kept current: fetched once, then driven by the terminal socket's status, checks and
 * event messages (a timeline event triggers a re-fetch, so every role gets exactly its own view).
 * One link, one hook: the page is mounted afresh when the link's token changes (main.tsx).
 * An interview candidate's socket (their shell, the recording) waits until they accepted the
 * privacy notice (`noticeAccepted`).
 */
export function useLiveSession(id: string, token: string, noticeAccepted = false): LiveSession {
  const [session, setSession] = useState<Session>();
  const [fatal, setFatal] = useState<string>();
  const [connection, setConnection] = useState<Connection>('connecting');
  const [statusMessage, setStatusMessage] = useState<string>();
  const [terminalError, setTerminalError] = useState<string>();
  const [socket, setSocket] = useState<TerminalSocket>();
  const [tabActive, setTabActive] = useState(true);
  const refetchTimer = useRef<number | undefined>(undefined);

  const refresh = useCallback(() => {
    window.clearTimeout(refetchTimer.current);
    // Bursts of events (checks, check_changed, solved) become one request.
    refetchTimer.current = window.setTimeout(() => {
      api.session(id, token).then(setSession, (err: unknown) => {
        if (err instanceof ApiError && [401, 403, 404].includes(err.status)) setFatal(err.message);
      });
    }, 120);
  }, [id, token]);

  useEffect(() => {
    if (!token) {
      setFatal('This link has no access token. Open the full link you were given (it ends with #…).');
      return;
    }
    let live = true;
    api.session(id, token).then(
      (s) => live && setSession(s),
      (err: unknown) => live && setFatal(errorText(err)),
    );
    return () => {
      live = false;
      window.clearTimeout(refetchTimer.current);
    };
  }, [id, token]);

  // One socket for as long as the session may have one: a scheduled interview's lobby keeps it
  // when the interviewer starts, so the terminal opens on it; a session that ended closes it.
  const loaded = session !== undefined;
  const connectable = loaded && mayConnect(session) && !needsNotice(session, noticeAccepted);
  useEffect(() => {
    if (!loaded) return;
    if (!connectable) {
      setConnection('closed');
      return;
    }
    const sock = new TerminalSocket(id, token);
    sock.subscribe({
      connection: (state) => {
        setConnection(state);
        // The socket cannot tell "ended" from "server away" when the upgrade is refused: ask.
        if (state === 'reconnecting' || state === 'closed') refresh();
      },
      message: (m) => {
        switch (m.type) {
          case 'hello':
            setSession(m.session);
            setTerminalError(undefined);
            break;
          case 'status':
            setStatusMessage(m.message);
            setSession((prev) => (prev ? withStatus(prev, m.state, m.phase, m.message, m.queueAhead) : prev));
            refresh();
            break;
          case 'checks':
            setSession((prev) => {
              if (prev && m.solved !== (prev.state === 'solved')) refresh();
              return prev ? withChecks(prev, m.checks, m.solved) : prev;
            });
            break;
          case 'event':
            refresh();
            break;
          case 'tab':
            setTabActive(m.active);
            break;
          case 'error':
            setTerminalError(m.message);
            break;
        }
      },
    });
    setSocket(sock);
    return () => {
      sock.close();
      setSocket(undefined);
    };
    // Only whether it may connect matters here: every other change of the session arrives on this socket.
  }, [id, token, refresh, loaded, connectable]);

  const useHere = useCallback(() => socket?.claim(), [socket]);
  return { session, fatal, connection, statusMessage, terminalError, socket, tabActive, useHere, refresh, setSession };
}

/** Live sessions, and booked ones: watchers at any time, the candidate while the invite is open (the lobby). */
function mayConnect(s: Session): boolean {
  if (LIVE_STATES.has(s.state)) return true;
  return s.state === 'scheduled' && (s.role !== 'candidate' || s.invite === 'open');
}

function withStatus(s: Session, state: State, phase: string | undefined, message: string | undefined, queueAhead: number | undefined): Session {
  return { ...s, state, phase, queueAhead, error: state === 'failed' ? (message ?? s.error) : s.error };
}

/** Solved follows the latest round both ways (an escalation's new check un-solves); the server's times come with the re-fetch. */
function withChecks(s: Session, checks: CheckResult[], solved: boolean): Session {
  if (s.state !== 'ready' && s.state !== 'solved') return { ...s, checks };
  const state: State = solved ? 'solved' : 'ready';
  const now = new Date().toISOString();
  return {
    ...s,
    checks,
    state,
    solvedAt: solved ? (s.solvedAt ?? now) : undefined,
    firstSolvedAt: solved ? (s.firstSolvedAt ?? now) : s.firstSolvedAt,
  };
}
