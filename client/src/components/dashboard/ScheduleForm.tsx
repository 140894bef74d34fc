import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, errorText } from '../../lib/api.js';
import type { CheckVisibility, CreatedSession, CreateSessionInput, Plan, PlanPart, ScenarioSummary } from '../../lib/types.js';
import { browserTimeZone, isoToZoned, timeZones, zonedToIso } from '../../lib/zoned.js';
import { ConfirmButton } from '../ConfirmButton.js';
import { CopyField } from '../CopyField.js';
import { PlanParts } from './PlanParts.js';

const VISIBILITY: Array<{ id: CheckVisibility; label: string; hint: string }> = [
  { id: 'hidden', label: 'Hidden', hint: 'the candidate sees no checks' },
  { id: 'symptom', label: 'Symptom only', hint: 'what each check watches, not why' },
  { id: 'full', label: 'Full', hint: 'titles and messages too' },
];

const HOUR = 60 * 60 * 1000;
/** The interviewer's name is remembered in this browser: the same person books most interviews from it. */
const NAME_KEY = 'faultline.interviewerName';

interface Props {
  scenarios: ScenarioSummary[];
  onCreated(created: CreatedSession): void;
  /** The sign-in ended: the page goes to the sign-in. */
  onUnauthorized(err: unknown): boolean;
}

/** Book an interview for later: who, when (in a time zone), which scenarios in which order, and what the candidate sees of the checks. */
export function ScheduleForm({ scenarios, onCreated, onUnauthorized }: Props) {
  const zones = useMemo(() => timeZones(), []);
  const [candidateName, setCandidateName] = useState('');
  const [interviewerName, setInterviewerName] = useState(() => localStorage.getItem(NAME_KEY) ?? '');
  const [timeZone, setTimeZone] = useState(browserTimeZone);
  // The next full hour, for two hours: a window the interviewer adjusts rather than types from nothing.
  const [opens, setOpens] = useState(() => isoToZoned(Math.ceil(Date.now() / HOUR) * HOUR, browserTimeZone()));
  const [closes, setCloses] = useState(() => isoToZoned(Math.ceil(Date.now() / HOUR) * HOUR + 2 * HOUR, browserTimeZone()));
  const [parts, setParts] = useState<PlanPart[]>([]);
  const [plans, setPlans] = useState<Plan[]>([]);
  const [planId, setPlanId] = useState('');
  const [planName, setPlanName] = useState('');
  const [visibility, setVisibility] = useState<CheckVisibility>('symptom');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [planMessage, setPlanMessage] = useState<string>();
  const [created, setCreated] = useState<CreatedSession>();

  useEffect(() => {
    if (parts.length === 0 && scenarios[0]) setParts([{ scenarioId: scenarios[0].id }]);
  }, [scenarios, parts.length]);
  useEffect(() => {
    api.plans().then(setPlans, (err: unknown) => onUnauthorized(err) || setPlanMessage(`Saved plans could not be loaded: ${errorText(err)}`));
  }, [onUnauthorized]);

  // An edited plan is no longer the saved one: the parts as shown are what gets booked.
  const editParts = (next: PlanPart[]) => {
    setParts(next);
    setPlanId('');
  };
  const pickPlan = (id: string) => {
    const plan = plans.find((p) => p.id === id);
    setPlanId(id);
    if (plan) setParts(plan.parts);
  };

  const deletePlan = async () => {
    const plan = plans.find((p) => p.id === planId);
    if (!plan) return;
    setPlanMessage(undefined);
    try {
      await api.deletePlan(plan.id);
      setPlans((prev) => prev.filter((p) => p.id !== plan.id));
      setPlanId('');
      setPlanMessage(`Deleted “${plan.name}”; the parts below stay as they were.`);
    } catch (err) {
      if (!onUnauthorized(err)) setPlanMessage(`Not deleted: ${errorText(err)}`);
    }
  };

  const savePlan = async () => {
    setPlanMessage(undefined);
    try {
      const plan = await api.createPlan(planName.trim(), parts);
      setPlans((prev) => [...prev, plan]);
      setPlanId(plan.id);
      setPlanName('');
      setPlanMessage(`Saved as “${plan.name}”.`);
    } catch (err) {
      if (!onUnauthorized(err)) setPlanMessage(`Not saved: ${errorText(err)}`);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const opensAt = zonedToIso(opens, timeZone);
    const closesAt = zonedToIso(closes, timeZone);
    if (!opensAt || !closesAt) return setError('Give both ends of the window: a date and a time each.');
    if (closesAt <= opensAt) return setError('The window must close after it opens.');
    if (Date.parse(closesAt) <= Date.now()) return setError('The window is already over: pick a time in the future.');
    const single = parts.length === 1 && parts[0]?.timeLimitMinutes === undefined ? parts[0]?.scenarioId : undefined;
    const body: CreateSessionInput = {
      mode: 'interview',
      window: { opensAt, closesAt, timeZone },
      checkVisibility: visibility,
      ...(candidateName.trim() ? { candidateName: candidateName.trim() } : {}),
      ...(interviewerName.trim() ? { interviewerName: interviewerName.trim() } : {}),
      ...(planId ? { planId } : single ? { scenarioId: single } : { parts }),
    };
    setBusy(true);
    try {
      const result = await api.create(body);
      if (interviewerName.trim()) localStorage.setItem(NAME_KEY, interviewerName.trim());
      setCreated(result);
      onCreated(result);
    } catch (err) {
      if (!onUnauthorized(err)) setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <div className="form" data-testid="scheduled-links">
        <p role="status">
          Booked{created.session.candidateName ? ` for ${created.session.candidateName}` : ''}. Send the candidate their link; it opens the lobby
          during the window only. Start the interview from your console.
        </p>
        <CopyField label="Candidate link" value={created.links.candidate} hint="send to the candidate" />
        {created.links.interviewer && <CopyField label="Interviewer link" value={created.links.interviewer} hint="your console — keep private" />}
        {created.links.viewer && <CopyField label="Viewer link" value={created.links.viewer} hint="read-only, for a co-interviewer" />}
        <div className="row">
          <button type="button" className="btn" onClick={() => setCreated(undefined)}>
            Schedule another
          </button>
        </div>
      </div>
    );
  }

  return (
    <form className="schedule-form" onSubmit={submit} aria-label="Schedule interview">
      <label>
        Candidate name
        <input value={candidateName} onChange={(e) => setCandidateName(e.target.value)} maxLength={100} autoComplete="off" />
      </label>
      <label>
        Interviewer name
        <input value={interviewerName} onChange={(e) => setInterviewerName(e.target.value)} maxLength={100} autoComplete="name" />
      </label>
      <label>
        Window opens
        <input type="datetime-local" value={opens} onChange={(e) => setOpens(e.target.value)} required />
      </label>
      <label>
        Window closes
        <input type="datetime-local" value={closes} onChange={(e) => setCloses(e.target.value)} required />
      </label>
      <label>
        Time zone <span className="muted small">(of the two times above)</span>
        <select value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="span-all">
        <legend>Plan: scenarios in order</legend>
        <label>
          Saved plan
          <select value={planId} onChange={(e) => pickPlan(e.target.value)}>
            <option value="">None — the parts below</option>
            {plans.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.parts.length} part{p.parts.length === 1 ? '' : 's'})
              </option>
            ))}
          </select>
        </label>
        {planId && (
          <ConfirmButton
            label="Delete this plan"
            question={<p>Delete the saved plan “{plans.find((p) => p.id === planId)?.name}” for the whole team? Interviews booked with it keep their parts.</p>}
            confirmLabel="Delete plan"
            onConfirm={deletePlan}
            tone="danger"
            className="small"
          />
        )}
        {scenarios.length === 0 ? <p className="muted small">Loading scenarios…</p> : <PlanParts parts={parts} scenarios={scenarios} onChange={editParts} />}
        <div className="row">
          <label className="inline">
            <span className="sr-only">Plan name</span>
            <input value={planName} onChange={(e) => setPlanName(e.target.value)} placeholder="Plan name" maxLength={100} />
          </label>
          <button type="button" className="btn small" onClick={savePlan} disabled={!planName.trim() || parts.length === 0}>
            Save as plan
          </button>
          {planMessage && (
            <span className="small" role="status">
              {planMessage}
            </span>
          )}
        </div>
      </fieldset>
      <fieldset className="span-all">
        <legend>What the candidate sees of the checks</legend>
        <div className="row">
          {VISIBILITY.map((v) => (
            <label key={v.id} className="checkbox">
              <input type="radio" name="check-visibility" value={v.id} checked={visibility === v.id} onChange={() => setVisibility(v.id)} />
              {v.label} <span className="muted small">({v.hint})</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="span-all row">
        <button type="submit" className="btn primary" disabled={busy || parts.length === 0}>
          {busy ? 'Scheduling…' : 'Schedule interview'}
        </button>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}
