import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Terminal } from '@xterm/xterm';
import { api, errorText } from '../lib/api.js';
import { clock } from '../lib/format.js';
import type { Session } from '../lib/types.js';
import { Brand, Category, Difficulty, MessagePage } from '../components/Shell.js';
import { describeMarker, parseCast, recordingTime, type Cast, type MarkerNames } from '../terminal/cast.js';
import { keyboardFocus, TerminalKeysHelp } from '../terminal/keyboard.js';
import { createTerminal, fitFont } from '../terminal/xterm.js';

const SPEEDS = [0.5, 1, 2, 4, 8];
const IDLE_LIMIT_S = 2;

/**
 * Replay of a session's recording with markers, speed, idle skipping and seeking. The session
 * (same token) names what the markers refer to and sets the clock they are shown on.
 */
export function ReplayPage({ id, token }: { id: string; token: string }) {
  const [text, setText] = useState<string>();
  const [session, setSession] = useState<Session>();
  const [error, setError] = useState<string>();
  const [skipIdle, setSkipIdle] = useState(true);
  const [downloadUrl, setDownloadUrl] = useState<string>();

  useEffect(() => {
    document.title = 'Replay — Faultline';
    if (!token) {
      setError('This link has no access token. Open the whole link you were given: the token is the part after #.');
      return;
    }
    const failed = (err: unknown) => setError(errorText(err));
    api.recording(id, token).then(setText, failed);
    api.session(id, token).then(setSession, failed);
  }, [id, token]);
  useEffect(() => {
    if (session) document.title = `Replay: ${session.scenario.title} — Faultline`;
  }, [session]);
  // The file is the one this page plays (as this role may read it): offered from memory, no second request.
  useEffect(() => {
    if (text === undefined) return;
    const url = URL.createObjectURL(new Blob([text], { type: 'application/x-asciicast' }));
    setDownloadUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [text]);
  const cast = useMemo(() => (text ? parseCast(text, skipIdle ? IDLE_LIMIT_S : undefined) : undefined), [text, skipIdle]);

  if (error) return <MessagePage title="No replay" tone="danger"><p>{error}</p></MessagePage>;
  if (!cast || !session) return <MessagePage title="Loading the recording…" />;
  return <Player cast={cast} session={session} token={token} downloadUrl={downloadUrl} skipIdle={skipIdle} onSkipIdle={setSkipIdle} />;
}

/** Names for the ids in markers, from what this role's session says (and the interviewer's timeline, which outlives resets). */
function markerNames(session: Session): MarkerNames {
  const checks = new Map<string, string>();
  const escalations = new Map<string, string>();
  for (const e of session.events ?? []) {
    const { id, title, symptom, notice } = e.data;
    if (typeof id !== 'string') continue;
    if (e.type === 'check_changed') checks.set(id, String(title ?? symptom ?? id));
    if (e.type === 'escalation') escalations.set(id, String(title ?? notice ?? id));
  }
  for (const c of session.checks) checks.set(c.id, c.title ?? c.symptom);
  // A candidate's recording numbers escalations in order, as their session lists them.
  session.escalations.forEach((e, i) => escalations.set(e.id ?? `escalation-${i + 1}`, e.title ?? e.notice));
  return { check: (id) => checks.get(id), escalation: (id) => escalations.get(id) };
}

/** Where a reader of the replay goes next: back to what their link opens, and for the interviewer the report. */
function BackLinks({ session, token }: { session: Session; token: string }) {
  if (session.role === 'interviewer') {
    return (
      <>
        <a className="btn ghost small" href={`/i/${session.id}#${token}`}>
          Console
        </a>
        <a className="btn ghost small" href={`/i/${session.id}/report#${token}`}>
          Report
        </a>
      </>
    );
  }
  return (
    <>
      <a className="btn ghost small" href={`/s/${session.id}#${token}`}>
        Session page
      </a>
      {session.mode === 'practice' && (
        <a className="btn ghost small" href="/">
          Scenarios
        </a>
      )}
    </>
  );
}

interface PlayerProps {
  cast: Cast;
  session: Session;
  token: string;
  downloadUrl: string | undefined;
  skipIdle: boolean;
  onSkipIdle(on: boolean): void;
}

function Player({ cast, session, token, downloadUrl, skipIdle, onSkipIdle }: PlayerProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal>(undefined);
  const next = useRef(0);
  const posRef = useRef(0);
  const [pos, setPos] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const names = useMemo(() => markerNames(session), [session]);
  const markers = useMemo(() => cast.events.filter((e) => e.kind === 'm').map((e) => ({ ...e, ...describeMarker(e.data, names) })), [cast, names]);
  // Times on screen are the session's, counted from when the environment was ready, as in the report.
  const readyOffset = cast.startedAt !== undefined && session.readyAt ? cast.startedAt - Date.parse(session.readyAt) / 1000 : 0;
  const sessionClock = (at: number) => clock(recordingTime(cast, at) + readyOffset);

  const sizeTo = useCallback((cols: number, rows: number) => {
    const term = termRef.current;
    const box = boxRef.current;
    if (!term || !box) return;
    term.options.fontSize = fitFont(box, cols, rows);
    term.resize(cols, rows);
  }, []);

  /** Write events up to playback time t (from where we are, or from the start when going back). */
  const advanceTo = useCallback(
    (t: number) => {
      const term = termRef.current;
      if (!term) return;
      if (t < posRef.current || next.current === 0) {
        term.reset();
        sizeTo(cast.width, cast.height);
        next.current = 0;
      }
      let out = '';
      while (next.current < cast.events.length && (cast.events[next.current]?.at ?? Infinity) <= t) {
        const e = cast.events[next.current];
        next.current += 1;
        if (e?.kind === 'o') out += e.data;
        else if (e?.kind === 'r') {
          term.write(out);
          out = '';
          const [cols, rows] = e.data.split('x').map(Number);
          if (cols && rows) sizeTo(cols, rows);
        }
      }
      if (out) term.write(out);
      posRef.current = t;
      setPos(t);
    },
    [cast, sizeTo],
  );

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const term = createTerminal({ disableStdin: true, cursorBlink: false, scrollback: 2000 });
    term.open(box);
    term.textarea?.setAttribute('aria-label', 'Recorded terminal');
    keyboardFocus(term, () => false);
    termRef.current = term;
    next.current = 0;
    posRef.current = 0;
    advanceTo(0);
    // The box has its real size only after layout: refit the font whenever it changes.
    const observer = new ResizeObserver(() => sizeTo(term.cols, term.rows));
    observer.observe(box);
    return () => {
      observer.disconnect();
      term.dispose();
      termRef.current = undefined;
    };
  }, [advanceTo, sizeTo]);

  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function tick(now) {
      const t = Math.min(cast.duration, posRef.current + ((now - last) / 1000) * speed);
      last = now;
      advanceTo(t);
      if (t >= cast.duration) setPlaying(false);
      else frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, speed, cast, advanceTo]);

  const toggle = () => {
    if (!playing && posRef.current >= cast.duration) advanceTo(0);
    setPlaying(!playing);
  };
  const jump = (t: number) => advanceTo(Math.max(0, Math.min(cast.duration, t)));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLButtonElement) return;
      if (e.key === ' ') {
        e.preventDefault();
        setPlaying((p) => !p);
      } else if (e.key === 'ArrowRight') jump(posRef.current + 5);
      else if (e.key === 'ArrowLeft') jump(posRef.current - 5);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div className="page replay-page">
      <header className="topbar">
        <Brand />
        <div className="topbar-title">
          <h1>{session.scenario.title}</h1>
          <Category name={session.scenario.category} />
          <Difficulty level={session.scenario.difficulty} />
          <span className="badge mode">Replay</span>
          {session.candidateName && (
            <span className="muted candidate-name" data-testid="candidate-name">
              with {session.candidateName}
            </span>
          )}
        </div>
        <nav className="topbar-right" aria-label="Replay">
          <BackLinks session={session} token={token} />
          {downloadUrl && (
            <a className="btn small" href={downloadUrl} download={`faultline-${session.id}.cast`}>
              Download the recording
            </a>
          )}
        </nav>
      </header>
      <main id="main" className="replay">
        <section className="terminal-area" aria-label="Recording">
          <div className="terminal-box watching" ref={boxRef} data-testid="replay-terminal" />
          <TerminalKeysHelp interactive={false} />
          <div className="player-bar">
            <button type="button" className="btn primary small" onClick={toggle} data-testid="play">
              <span aria-hidden="true">{playing ? '❚❚' : '▶'}</span> {playing ? 'Pause' : 'Play'}
            </button>
            <span className="mono small" aria-live="off" data-testid="position">
              {sessionClock(pos)} / {sessionClock(cast.duration)}
            </span>
            <div className="scrubber">
              <input type="range" min={0} max={cast.duration || 1} step={0.1} value={pos} onChange={(e) => jump(Number(e.target.value))} aria-label="Position" />
              <div className="ticks" aria-hidden="true">
                {markers.map((m, i) => (
                  <span key={i} className={`tick ${m.tone}`} style={{ left: `${(m.at / (cast.duration || 1)) * 100}%` }} />
                ))}
              </div>
            </div>
            <label className="small">
              Speed{' '}
              <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
                {SPEEDS.map((s) => (
                  <option key={s} value={s}>
                    {s}×
                  </option>
                ))}
              </select>
            </label>
            <label className="small checkbox">
              <input type="checkbox" checked={skipIdle} onChange={(e) => onSkipIdle(e.target.checked)} /> Skip idle
            </label>
          </div>
        </section>
        <aside className="panel markers" aria-labelledby="markers-title">
          <h2 id="markers-title">Markers</h2>
          {markers.length === 0 ? (
            <p className="muted small">No markers in this recording.</p>
          ) : (
            <ol className="timeline">
              {markers.map((m, i) => (
                <li key={i} className={`tl ${m.tone} ${pos >= m.at ? 'past' : ''}`}>
                  <button type="button" className="linklike" onClick={() => jump(m.at)} data-marker={m.data}>
                    <span className="sr-only">Jump to </span>
                    <time className="mono muted">{sessionClock(m.at)}</time> {m.text}
                  </button>
                </li>
              ))}
            </ol>
          )}
          <p className="muted tiny">Times are session time since the environment was ready, as in the report. Space plays or pauses; ← → jump 5 s.</p>
        </aside>
      </main>
    </div>
  );
}
