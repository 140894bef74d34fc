import type { InterviewRow, InterviewStatus, InviteStatus } from '../contract/index.js';
import { planOf, type SessionRecord } from './types.js';

/** Where an interview is in the hiring flow, from its record and whether its candidate is connected now. */
export function interviewStatus(record: SessionRecord, candidateConnected: boolean, invite: InviteStatus | undefined): InterviewStatus {
  if (invite === 'revoked') return 'revoked';
  switch (record.state) {
    case 'scheduled':
      return candidateConnected ? 'waiting' : 'scheduled';
    case 'starting':
    case 'ready':
    case 'solved':
      return 'live';
    case 'expired':
      return 'expired';
    case 'failed':
      return 'failed';
    case 'ended':
      return 'finished';
  }
}

export interface RowContext {
  titleOf: (scenarioId: string) => string;
  candidateConnected: boolean;
  invite: InviteStatus | undefined;
  links: InterviewRow['links'];
  now?: number;
}

/** A dashboard row: solved means every part of the plan was solved at some point. */
export function interviewRow(record: SessionRecord, ctx: RowContext): InterviewRow {
  const plan = planOf(record);
  const partsSolved = [...(record.parts ?? []).map((p) => p.firstSolvedAt), record.firstSolvedAt];
  const solved = partsSolved.length === plan.length && partsSolved.every((at) => at !== undefined);
  const end = record.endedAt ? Date.parse(record.endedAt) : (ctx.now ?? Date.now());
  return {
    id: record.id,
    status: interviewStatus(record, ctx.candidateConnected, ctx.invite),
    state: record.state,
    candidateName: record.candidateName,
    interviewerName: record.interviewerName,
    scenarios: plan.map((p) => ctx.titleOf(p.scenarioId)),
    window: record.window,
    createdAt: record.createdAt,
    startedAt: record.readyAt,
    endedAt: record.endedAt,
    durationMinutes: record.readyAt ? Math.max(0, Math.round((end - Date.parse(record.readyAt)) / 60_000)) : undefined,
    solved,
    firstSolvedAt: solved ? partsSolved[partsSolved.length - 1] : undefined,
    outcome: record.score?.outcome,
    candidateConnected: ctx.candidateConnected,
    links: ctx.links,
  };
}

/** The dashboard's search: candidate, interviewer or a scenario's title or id, case-insensitive. */
export function matchesQuery(row: InterviewRow, record: SessionRecord, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const fields = [row.candidateName, row.interviewerName, row.id, ...row.scenarios, ...planOf(record).map((p) => p.scenarioId)];
  return fields.some((f) => f?.toLowerCase().includes(q));
}
