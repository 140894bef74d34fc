import { useCallback, useEffect, useRef, useState } from 'react';
import type { Connection, TerminalSocket } from '../terminal/socket.js';

const PINGS = 5;
const GAP_MS = 250;
const TIMEOUT_MS = 5000;
/** Above this round trip typing feels laggy in a remote shell. */
const GOOD_MS = 250;

type Result = { state: 'idle' | 'running' } | { state: 'done'; medianMs: number; lost: number } | { state: 'failed'; reason: string };

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The lobby's connection check: round trips on the terminal socket itself (ping/pong), their median and a verdict. */
export function ConnectionCheck({ socket, connection }: { socket: TerminalSocket; connection: Connection }) {
  const [result, setResult] = useState<Result>({ state: 'idle' });
  const sent = useRef(new Map<number, number>());
  const times = useRef<number[]>([]);
  const timers = useRef<number[]>([]);
  const nextId = useRef(1);

  const finish = useCallback(() => {
    for (const t of timers.current) window.clearTimeout(t);
    timers.current = [];
    const rtts = times.current;
    const lost = PINGS - rtts.length;
    setResult(rtts.length === 0 ? { state: 'failed', reason: 'No answer came back from the server.' } : { state: 'done', medianMs: Math.round(median(rtts)), lost });
    sent.current.clear();
  }, []);

  useEffect(
    () =>
      socket.subscribe({
        message: (m) => {
          if (m.type !== 'pong') return;
          const at = sent.current.get(m.id);
          if (at === undefined) return;
          sent.current.delete(m.id);
          times.current.push(performance.now() - at);
          if (times.current.length === PINGS) finish();
        },
      }),
    [socket, finish],
  );

  const run = useCallback(() => {
    if (socket.state !== 'open') {
      setResult({ state: 'failed', reason: 'The connection to the server is not open yet.' });
      return;
    }
    for (const t of timers.current) window.clearTimeout(t);
    sent.current.clear();
    times.current = [];
    setResult({ state: 'running' });
    const ids = Array.from({ length: PINGS }, () => nextId.current++);
    timers.current = ids.map((id, i) =>
      window.setTimeout(() => {
        sent.current.set(id, performance.now());
        socket.ping(id);
      }, i * GAP_MS),
    );
    timers.current.push(window.setTimeout(finish, PINGS * GAP_MS + TIMEOUT_MS));
  }, [socket, finish]);

  // Checked once by itself as soon as the socket is up; the button runs it again.
  const ran = useRef(false);
  useEffect(() => {
    if (connection === 'open' && !ran.current) {
      ran.current = true;
      run();
    }
  }, [connection, run]);
  useEffect(() => () => timers.current.forEach((t) => window.clearTimeout(t)), []);

  const good = result.state === 'done' && result.medianMs <= GOOD_MS && result.lost === 0;
  return (
    <section className="panel lobby-check" aria-labelledby="conn-check-title">
      <header className="panel-head">
        <h2 id="conn-check-title">Connection</h2>
        <button type="button" className="btn small" onClick={run} disabled={result.state === 'running'}>
          {result.state === 'running' ? 'Checking…' : 'Check again'}
        </button>
      </header>
      <p role="status" aria-live="polite" data-testid="connection-check" data-result={result.state === 'done' ? (good ? 'pass' : 'slow') : result.state}>
        {result.state === 'idle' && 'Waiting for the connection to the server…'}
        {result.state === 'running' && 'Measuring the round trip to the server…'}
        {result.state === 'failed' && (
          <span className="verdict bad">
            <span aria-hidden="true">✗ </span>Failed: {result.reason} Check your network (a VPN or proxy may block WebSockets), then check again.
          </span>
        )}
        {result.state === 'done' && (
          <span className={`verdict ${good ? 'good' : 'bad'}`}>
            <span aria-hidden="true">{good ? '✓ ' : '! '}</span>
            {good ? 'Passed' : 'Slow'}: round trip {result.medianMs} ms (median of {PINGS - result.lost}
            {result.lost > 0 && `, ${result.lost} lost`}).{' '}
            {good ? 'The terminal will feel responsive.' : 'Typing may lag; a wired connection or closing other downloads can help.'}
          </span>
        )}
      </p>
    </section>
  );
}
