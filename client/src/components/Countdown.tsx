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

/** Time left until expiry, amber under five minutes and red under one. */
export function Countdown({ expiresAt, stopped }: { expiresAt: string; stopped?: boolean }) {
  const now = useNow();
  const left = stopped ? undefined : Math.max(0, secondsBetween(new Date(now).toISOString(), expiresAt));
  const tone = left === undefined ? '' : left < 60 ? 'danger' : left < 300 ? 'warn' : '';
  return (
    <div className={`stat ${tone}`} role="timer" aria-label="Time left">
      <span className="stat-label">Time left</span>
      <span className="stat-value mono">{left === undefined ? '—' : clock(left)}</span>
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
