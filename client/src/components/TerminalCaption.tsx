import type { ReactNode } from 'react';

/**
 * The strip above a terminal: what it is, and for one that takes input the way out by keyboard
 * (screen readers get the full help through the terminal's description instead).
 */
export function TerminalCaption({ label, interactive, children }: { label: string; interactive: boolean; children?: ReactNode }) {
  return (
    <div className="terminal-caption">
      <span>{label}</span>
      <span className="terminal-caption-side">
        {interactive && (
          <span className="keys-hint" aria-hidden="true">
            <kbd>Esc</kbd> then <kbd>Tab</kbd> leaves the terminal
          </span>
        )}
        {children}
      </span>
    </div>
  );
}
