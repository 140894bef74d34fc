import { useEffect } from 'react';
import { Markdown } from './Markdown.js';

export const SOLUTION_ID = 'solution';

/** Bring the write-up into view (and focus it, so keyboard and screen reader land there). */
export function showSolution(focus: boolean): void {
  const el = document.getElementById(SOLUTION_ID);
  if (!el) return;
  el.scrollIntoView({ behavior: 'smooth', block: 'start' });
  if (focus) el.focus({ preventScroll: true });
}

/**
 * The scenario's write-up. `announce`: it just appeared (after a solve), so it is scrolled into
 * view; focus stays where the person is typing. Whoever asked for it (Give up) calls
 * showSolution(true) once their dialog has closed.
 */
export function SolutionPanel({ text, announce, intro }: { text: string; announce: boolean; intro?: string | undefined }) {
  useEffect(() => {
    if (announce) showSolution(false);
  }, [announce]);
  return (
    <section id={SOLUTION_ID} className="panel solution" aria-labelledby="solution-title" tabIndex={-1} data-testid="solution">
      <h2 id="solution-title">Solution</h2>
      {intro && <p className="muted small">{intro}</p>}
      <Markdown text={text} />
    </section>
  );
}
