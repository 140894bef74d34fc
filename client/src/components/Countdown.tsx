import { useEffect, useState } from 'react';
import { clock, secondsBetween } from '../lib/format.js';

/** Ticks every second; the value is derived from timestamps so a reload keeps it right. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(t);
  }, [intervalMs]);
  return now;
}

interface CountdownProps {
  expiresAt: string;
  /** The clock starts when the environment is first ready: until then the whole limit shows, still. */
  readyAt?: string | undefined;
  limitMinutes: number;
  stopped?: boolean;
}

/** Time left until expiry, amber under five minutes and red under one. */
export function Countdown({ expiresAt, readyAt, limitMinutes, stopped }: CountdownProps) {
  const now = useNow();
  const waiting = !stopped && !readyAt;
  // Clamped to the limit: a browser clock behind the server's must not show more time than there is.
  const left = stopped ? undefined : waiting ? limitMinutes * 60 : Math.min(limitMinutes * 60, Math.max(0, secondsBetween(new Date(now).toISOString(), expiresAt)));
  const tone = left === undefined || waiting ? '' : left < 60 ? 'danger' : left < 300 ? 'warn' : '';
  return (
    <div className={`stat ${tone}`} role="timer" aria-label="Time left" title={waiting ? 'The clock starts when the environment is ready' : undefined}>
      <span className="stat-label">{waiting ? 'Time limit' : 'Time left'}</span>
      <span className="stat-value mono" data-testid="time-left">
        {left === undefined ? '—' : clock(left)}
      </span>
    </div>
  );
}

/** Time since the environment became ready (or until it was solved/ended). */
export function Elapsed({ from, until, label = 'Elapsed' }: { from?: string; until?: string; label?: string }) {
  const now = useNow();
  const seconds = from ? secondsBetween(from, until ?? now) : 0;
  return (
    <div className="stat" role="timer" aria-label={label}>
      <span className="stat-label">{label}</span>
      <span className="stat-value mono">{from ? clock(seconds) : '—'}</span>
    </div>
  );
}
