import type { ReactNode } from 'react';

export function Brand() {
  return (
    <a href="/" className="brand" aria-label="Faultline home">
      <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
        <rect width="32" height="32" rx="7" fill="#1b2230" />
        <path d="M6 20 L13 13 L17 17 L26 8" stroke="#ff8a3d" strokeWidth="3" fill="none" strokeLinecap="round" />
      </svg>
      <span>Faultline</span>
    </a>
  );
}

export function Difficulty({ level }: { level: string }) {
  return <span className={`badge diff-${level}`}>{level}</span>;
}

export function Category({ name }: { name: string }) {
  return <span className={`badge cat cat-${name}`}>{name.toUpperCase()}</span>;
}

/** A whole-page message: expired, ended, bad link, failed to start. */
export function MessagePage({ title, children, tone = 'normal' }: { title: string; children?: ReactNode; tone?: 'normal' | 'danger' | 'success' }) {
  return (
    <div className="page">
      <header className="topbar">
        <Brand />
      </header>
      <main className="message-page" id="main">
        <div className={`message-card ${tone}`}>
          <h1>{title}</h1>
          {children}
        </div>
      </main>
    </div>
  );
}
