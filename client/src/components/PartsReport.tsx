import { clock, secondsBetween } from '../lib/format.js';
import type { PartView } from '../lib/types.js';

/** How long a part ran, against its limit: "12:34 of 30:00", or "not started". */
function partTime(part: PartView): string {
  if (!part.readyAt) return 'not started';
  const used = clock(secondsBetween(part.readyAt, part.endedAt ?? new Date().toISOString()));
  return `${used} of ${part.timeLimitMinutes}:00${part.endedAt ? '' : ' (running)'}`;
}

/** The report of a multi-part interview: one section per part reached, in order. */
export function PartsReport({ parts, total }: { parts: PartView[]; total: number }) {
  return (
    <section aria-labelledby="parts-title" data-testid="parts-report">
      <h2 id="parts-title">Parts</h2>
      {parts.length < total && (
        <p className="muted">
          {parts.length} of the plan&apos;s {total} parts reached.
        </p>
      )}
      {parts.map((part) => {
        const passed = part.checks.filter((c) => c.passed).length;
        const titleId = `part-${part.index}-title`;
        return (
          <section key={part.index} className="report-part" aria-labelledby={titleId}>
            <h3 id={titleId}>
              Part {part.index + 1}: {part.scenario.title}{' '}
              <span className="muted small">
                ({part.scenario.category.toUpperCase()}, {part.scenario.difficulty})
              </span>
            </h3>
            <dl className="facts">
              <dt>Time</dt>
              <dd>{partTime(part)}</dd>
              <dt>Solved</dt>
              <dd>{part.firstSolvedAt && part.readyAt ? `first solved at ${clock(secondsBetween(part.readyAt, part.firstSolvedAt))}` : 'no'}</dd>
              <dt>Checks</dt>
              <dd>
                {part.checks.length === 0 ? (
                  <span className="muted">none ran</span>
                ) : (
                  <>
                    {passed}/{part.checks.length} passing at the end
                    <ul className="plain">
                      {part.checks.map((c) => (
                        <li key={c.id}>
                          {c.passed ? '✓' : '✗'} {c.title ?? c.symptom}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
              </dd>
              <dt>Hints</dt>
              <dd>{part.hintsRevealed} revealed</dd>
              <dt>Escalations</dt>
              <dd>{part.escalations.length === 0 ? 'none' : part.escalations.map((e) => e.title ?? e.notice).join('; ')}</dd>
            </dl>
          </section>
        );
      })}
    </section>
  );
}
