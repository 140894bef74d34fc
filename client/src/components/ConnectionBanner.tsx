import type { Connection } from '../terminal/socket.js';

/** Shown while the terminal socket is down; the socket reconnects by itself. */
export function ConnectionBanner({ connection, onRetry }: { connection: Connection; onRetry(): void }) {
  if (connection !== 'reconnecting') return null;
  return (
    <div className="banner warn" role="status" aria-live="assertive">
      <span className="spinner" aria-hidden="true" /> Connection lost — reconnecting…
      <button type="button" className="btn small ghost" onClick={onRetry}>
        Retry now
      </button>
    </div>
  );
}
