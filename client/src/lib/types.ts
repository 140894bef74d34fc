// The REST/WebSocket contract lives in server/src/contract, shared with the server: imported as
// types only, so none of the server's code reaches the bundle. The client's names for it:
import type { CheckView, SessionView, State } from '../../../server/src/contract/index.js';

export type {
  Account,
  AccountChange,
  AccountRole,
  AccountWithPassword,
  ApiTokenView,
  AuditAction,
  AuditEntry,
  CheckVisibility,
  ClientMessage,
  CommandEntry,
  CommandsView,
  Competencies,
  CreatedSession,
  CreateSessionInput,
  CreatedApiToken,
  InterviewList,
  InterviewRow,
  InterviewStatus,
  InviteStatus,
  InviteWindow,
  Me,
  Mode,
  NewAccountInput,
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
  SignInOptions,
  State,
} from '../../../server/src/contract/index.js';
export type Session = SessionView;
export type CheckResult = CheckView;

export const LIVE_STATES: ReadonlySet<State> = new Set(['starting', 'ready', 'solved']);
