import type { PlanPart, ScenarioSummary } from '../../lib/types.js';

interface Props {
  parts: PlanPart[];
  scenarios: ScenarioSummary[];
  onChange(parts: PlanPart[]): void;
}

/** The server's limit on a plan (docs/hiring.md). */
export const MAX_PARTS = 5;

function move<T>(list: T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

/** The scenarios of an interview, in order, each with an optional time limit of its own. */
export function PlanParts({ parts, scenarios, onChange }: Props) {
  const set = (i: number, change: Partial<PlanPart>) => onChange(parts.map((p, j) => (j === i ? { ...p, ...change } : p)));
  const title = (id: string) => scenarios.find((s) => s.id === id)?.title ?? id;
  return (
    <>
      <ol className="plan-parts" data-testid="plan-parts">
        {parts.map((part, i) => {
          const limit = scenarios.find((s) => s.id === part.scenarioId)?.timeLimitMinutes;
          const n = i + 1;
          return (
            <li key={i}>
              <span className="mono small" aria-hidden="true">
                {n}.
              </span>
              <select aria-label={`Part ${n}: scenario`} value={part.scenarioId} onChange={(e) => set(i, { scenarioId: e.target.value })}>
                {scenarios.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.title} ({s.category.toUpperCase()}, {s.difficulty}, {s.timeLimitMinutes} min)
                  </option>
                ))}
              </select>
              <input
                type="number"
                min={1}
                max={240}
                aria-label={`Part ${n}: minutes (optional)`}
                placeholder={limit ? `${limit} min` : 'minutes'}
                value={part.timeLimitMinutes ?? ''}
                onChange={(e) => set(i, { timeLimitMinutes: e.target.value ? Number(e.target.value) : undefined })}
              />
              <button type="button" className="btn small ghost" onClick={() => onChange(move(parts, i, i - 1))} disabled={i === 0} aria-label={`Move part ${n} (${title(part.scenarioId)}) up`}>
                ↑
              </button>
              <button
                type="button"
                className="btn small ghost"
                onClick={() => onChange(move(parts, i, i + 1))}
                disabled={i === parts.length - 1}
                aria-label={`Move part ${n} (${title(part.scenarioId)}) down`}
              >
                ↓
              </button>
              <button
                type="button"
                className="btn small ghost"
                onClick={() => onChange(parts.filter((_, j) => j !== i))}
                disabled={parts.length === 1}
                aria-label={`Remove part ${n} (${title(part.scenarioId)})`}
              >
                Remove
              </button>
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        className="btn small"
        onClick={() => onChange([...parts, { scenarioId: scenarios[0]?.id ?? '' }])}
        disabled={scenarios.length === 0 || parts.length >= MAX_PARTS}
      >
        Add a part
      </button>
      {parts.length >= MAX_PARTS && <span className="muted small"> At most {MAX_PARTS} parts.</span>}
    </>
  );
}
