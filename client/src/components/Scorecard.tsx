import { useState, type FormEvent } from 'react';
import { api, errorText } from '../lib/api.js';
import { timeOfDay } from '../lib/format.js';
import type { Competencies, Score } from '../lib/types.js';

const OUTCOMES: Array<{ id: Score['outcome']; label: string }> = [
  { id: 'pass', label: 'Pass' },
  { id: 'partial', label: 'Partial' },
  { id: 'fail', label: 'Fail' },
];
export const COMPETENCIES: Array<{ id: keyof Competencies; label: string }> = [
  { id: 'method', label: 'Method' },
  { id: 'networking', label: 'Networking knowledge' },
  { id: 'communication', label: 'Communication' },
];

/** Outcome, three 1–5 ratings and a summary, saved with PUT score. */
export function Scorecard({ sessionId, token, score, onSaved }: { sessionId: string; token: string; score?: Score; onSaved(): void }) {
  const [outcome, setOutcome] = useState<Score['outcome'] | undefined>(score?.outcome);
  const [ratings, setRatings] = useState<Partial<Competencies>>(score?.competencies ?? {});
  const [summary, setSummary] = useState(score?.summary ?? '');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const complete = outcome && COMPETENCIES.every((c) => ratings[c.id]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!complete) return;
    setBusy(true);
    setMessage(undefined);
    try {
      const saved = await api.saveScore(sessionId, token, {
        outcome,
        competencies: ratings as Competencies,
        ...(summary.trim() ? { summary: summary.trim() } : {}),
      });
      setMessage({ ok: true, text: `Saved${saved.at ? ` at ${timeOfDay(saved.at)}` : ''}` });
      onSaved();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel scorecard" aria-labelledby="score-title" onSubmit={submit}>
      <h2 id="score-title">Scorecard</h2>
      {score?.author && (
        <p className="muted small" data-testid="scored-by">
          Scored by {score.author.name} at {timeOfDay(score.at)}
        </p>
      )}
      <fieldset className="segmented">
        <legend>Outcome</legend>
        {OUTCOMES.map((o) => (
          <label key={o.id} className={`seg seg-${o.id} ${outcome === o.id ? 'on' : ''}`}>
            <input type="radio" name="outcome" value={o.id} checked={outcome === o.id} onChange={() => setOutcome(o.id)} />
            {o.label}
          </label>
        ))}
      </fieldset>
      {COMPETENCIES.map((c) => (
        <fieldset key={c.id} className="rating">
          <legend>{c.label}</legend>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className={`dotpick ${ratings[c.id] === n ? 'on' : ''}`}>
              <input type="radio" name={c.id} value={n} checked={ratings[c.id] === n} onChange={() => setRatings({ ...ratings, [c.id]: n })} aria-label={`${c.label}: ${n} of 5`} />
              {n}
            </label>
          ))}
        </fieldset>
      ))}
      <label>
        Summary
        <textarea rows={3} value={summary} onChange={(e) => setSummary(e.target.value)} maxLength={4000} placeholder="Strengths, gaps, recommendation" />
      </label>
      <div className="row between">
        <span className={message?.ok === false ? 'error-text' : 'muted small'} role="status">
          {message?.text ?? (complete ? '' : 'Pick an outcome and all three ratings')}
        </span>
        <button type="submit" className="btn primary small" disabled={busy || !complete}>
          {busy ? 'Saving…' : 'Save score'}
        </button>
      </div>
    </form>
  );
}
