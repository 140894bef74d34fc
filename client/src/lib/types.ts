// The REST/WebSocket contract lives in server/src/contract, shared with the server: imported as
// types only, so none of the server's code reaches the bundle. The client's names for it:
import type { CheckView, SessionView, State } from '../../../server/src/contract/index.js';

export type {
  CheckVisibility,
  ClientMessage,
  CommandEntry,
  CommandsView,
  Competencies,
  CreatedSession,
  CreateSessionInput,
  InterviewList,
  InterviewRow,
  InterviewStatus,
  InviteStatus,
  InviteWindow,
  Mode,
  Note,
  PartView,
  Plan,
  PlanPart,
  Role,
  ScenarioSummary,
  Score,
  ScoreInput,
  ServerMessage,
  SessionEvent,
  State,
} from '../../../server/src/contract/index.js';
export type Session = SessionView;
export type CheckResult = CheckView;

export const LIVE_STATES: ReadonlySet<State> = new Set(['starting', 'ready', 'solved']);
