import type {
  AccountChange,
  AccountWithPassword,
  ApiTokenView,
  AuditEntry,
  CreatedApiToken,
  Me,
  NewAccountInput,
  SignInOptions,
  Account,
  CheckResult,
  CheckVisibility,
  CommandsView,
  CreatedSession,
  CreateSessionInput,
  InterviewList,
  InterviewStatus,
  Note,
  Plan,
  PlanPart,
  ScenarioSummary,
  Score,
  ScoreInput,
  Session,
  SessionEvent,
} from './types.js';

/** An error answer from the API, with its code (not_found, unauthorized, ...) and HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From Retry-After, when the server says how long to wait (rate_limited). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const CSRF_HEADER = 'x-faultline-csrf';

/**
 * The signed-in staff member, asked once per page: the browser sends the httpOnly cookie with every
 * request, and every change it authorizes must echo the session's CSRF token (a cross-site form
 * cannot read it). Undefined when nobody is signed in in this browser.
 */
let signedIn: Promise<Me | undefined> | undefined;

export function currentMe(refresh = false): Promise<Me | undefined> {
  if (!signedIn || refresh) {
    const asked = request<Me>('GET', '/api/me').catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 401) return undefined;
      // Not an answer about the sign-in (the network, a restart): ask again next time.
      if (signedIn === asked) signedIn = undefined;
      throw err;
    });
    signedIn = asked;
  }
  return signedIn;
}

function rememberMe(me: Me | undefined): void {
  signedIn = Promise.resolve(me);
}

async function csrfToken(): Promise<string | undefined> {
  return (await currentMe().catch(() => undefined))?.csrfToken;
}

async function request<T>(method: string, path: string, token?: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  // A request with a link's token or a key is authorized by it, never by the cookie: no CSRF token
  // is needed, so a candidate's page never asks who is signed in.
  const csrf = method === 'GET' || method === 'HEAD' || token ? undefined : await csrfToken();
  if (csrf) headers[CSRF_HEADER] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection, then try again.');
  }
  // A sign-in in another tab replaced the session (and its CSRF token): learn the new one, try once more.
  if (res.status === 403 && csrf && !retried && (await currentMe(true).catch(() => undefined))?.csrfToken !== csrf) {
    return request<T>(method, path, token, body, true);
  }
  const text = await res.text();
  if (!res.ok) {
    let code = 'http_error';
    let message = `The server answered ${res.status} ${res.statusText}; try again in a moment.`;
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      code = parsed.error?.code ?? code;
      message = parsed.error?.message ?? message;
    } catch {
      // A proxy's HTML error page: the status line says enough.
    }
    throw new ApiError(res.status, code, message, waitOf(res.headers));
  }
  return (text ? JSON.parse(text) : {}) as T;
}

/** The REST calls of docs/api.md, each bound to the caller's token. */
export const api = {
  /** With the interviewer key the entries carry tags and escalation titles too. */
  scenarios: (interviewerKey?: string) => request<{ scenarios: ScenarioSummary[] }>('GET', '/api/scenarios', interviewerKey).then((r) => r.scenarios),
  create: (body: CreateSessionInput, interviewerKey?: string) => request<CreatedSession>('POST', '/api/sessions', interviewerKey, body),
  session: (id: string, token: string) => request<{ session: Session }>('GET', `/api/sessions/${id}`, token).then((r) => r.session),
  runChecks: (id: string, token: string) => request<{ checks: CheckResult[] }>('POST', `/api/sessions/${id}/checks`, token).then((r) => r.checks),
  revealHint: (id: string, token: string) => request<{ hint: { index: number; text: string } }>('POST', `/api/sessions/${id}/hints`, token).then((r) => r.hint),
  addNote: (id: string, token: string, text: string) => request<{ note: Note }>('POST', `/api/sessions/${id}/notes`, token, { text }).then((r) => r.note),
  saveScore: (id: string, token: string, score: ScoreInput) =>
    request<{ score: Score }>('PUT', `/api/sessions/${id}/score`, token, score).then((r) => r.score),
  escalate: (id: string, token: string, escalationId: string) =>
    request<{ session: Session }>('POST', `/api/sessions/${id}/escalations`, token, { id: escalationId }).then((r) => r.session),
  reset: (id: string, token: string) => request<{ session: Session }>('POST', `/api/sessions/${id}/reset`, token).then((r) => r.session),
  giveUp: (id: string, token: string) => request<{ solution: string }>('POST', `/api/sessions/${id}/give-up`, token).then((r) => r.solution),
  end: (id: string, token: string) => request<{ session: Session }>('POST', `/api/sessions/${id}/end`, token).then((r) => r.session),
  /** The interview candidate read the privacy notice (recorded once as the 'notice' event). */
  acceptNotice: (id: string, token: string) => request<unknown>('POST', `/api/sessions/${id}/notice`, token).then(() => undefined),
  events: (id: string, token: string) => request<{ events: SessionEvent[] }>('GET', `/api/sessions/${id}/events`, token).then((r) => r.events),
  commands: (id: string, token: string) => request<CommandsView>('GET', `/api/sessions/${id}/commands`, token),
  commandOutput: (id: string, token: string, commandId: number) =>
    request<{ output: string; outputTruncated: boolean }>('GET', `/api/sessions/${id}/commands/${commandId}/output`, token),
  // The hiring flow (docs/api.md): the interviewer's token for one session, the interviewer key for the dashboard.
  start: (id: string, token: string) => request<{ session: Session }>('POST', `/api/sessions/${id}/start`, token).then((r) => r.session),
  revoke: (id: string, token: string) => request<{ session: Session }>('POST', `/api/sessions/${id}/revoke`, token).then((r) => r.session),
  extend: (id: string, token: string, minutes: number) =>
    request<{ session: Session }>('POST', `/api/sessions/${id}/extend`, token, { minutes }).then((r) => r.session),
  nextPart: (id: string, token: string) => request<{ session: Session }>('POST', `/api/sessions/${id}/next`, token).then((r) => r.session),
  setVisibility: (id: string, token: string, checkVisibility: CheckVisibility) =>
    request<{ session: Session }>('PUT', `/api/sessions/${id}/visibility`, token, { checkVisibility }).then((r) => r.session),
  // The dashboard's calls: the signed-in staff member's cookie is the credential.
  interviews: (filter: InterviewFilter) => request<InterviewList>('GET', `/api/interviews${filterQuery(filter)}`).then((r) => r.interviews),
  plans: () => request<{ plans: Plan[] }>('GET', '/api/plans').then((r) => r.plans),
  createPlan: (name: string, parts: PlanPart[]) => request<{ plan: Plan }>('POST', '/api/plans', undefined, { name, parts }).then((r) => r.plan),
  deletePlan: (id: string) => request<unknown>('DELETE', `/api/plans/${id}`),
  /** The dashboard's export as a file. */
  exportInterviews: (format: 'csv' | 'json', filter: InterviewFilter) => download(`/api/interviews/export${filterQuery({ ...filter, format })}`, `interviews.${format}`),
  // An admin's candidate data requests (docs/api.md): the export as a file, and the erasure.
  exportCandidate: (name: string) => download(`/api/candidates/export?${new URLSearchParams({ name }).toString()}`, 'faultline-candidate.json'),
  eraseCandidate: (name: string) => request<{ erased: number }>('POST', '/api/candidates/erase', undefined, { name }).then((r) => r.erased),
  // Staff sign-in (docs/api.md, "Accounts").
  signInOptions: () => request<SignInOptions>('GET', '/api/auth/options'),
  async signIn(email: string, password: string): Promise<Me> {
    const me = await request<Me>('POST', '/api/auth/login', undefined, { email, password });
    rememberMe(me);
    return me;
  },
  async signOut(): Promise<void> {
    await request<unknown>('POST', '/api/auth/logout');
    rememberMe(undefined);
  },
  users: () => request<{ users: Account[] }>('GET', '/api/users').then((r) => r.users),
  addUser: (input: NewAccountInput) => request<AccountWithPassword>('POST', '/api/users', undefined, input),
  changeUser: (id: string, change: AccountChange) => request<{ user: Account }>('PATCH', `/api/users/${id}`, undefined, change).then((r) => r.user),
  resetPassword: (id: string) => request<AccountWithPassword>('POST', `/api/users/${id}/password`, undefined, {}),
  tokens: () => request<{ tokens: ApiTokenView[] }>('GET', '/api/tokens').then((r) => r.tokens),
  createToken: (name: string) => request<CreatedApiToken>('POST', '/api/tokens', undefined, { name }),
  revokeToken: (id: string) => request<unknown>('DELETE', `/api/tokens/${id}`),
  audit: (limit: number, before?: number) =>
    request<{ entries: AuditEntry[] }>('GET', `/api/audit?${new URLSearchParams({ limit: String(limit), ...(before === undefined ? {} : { before: String(before) }) }).toString()}`).then(
      (r) => r.entries,
    ),
  async recording(id: string, token: string): Promise<string> {
    const res = await fetch(`/api/sessions/${id}/recording`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw await errorOf(res);
    return res.text();
  },
};

/** The dashboard's search: free text and one status ('' for any). */
export interface InterviewFilter {
  q: string;
  status: InterviewStatus | '';
}

function filterQuery(params: InterviewFilter & { format?: string }): string {
  const text = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')).toString();
  return text ? `?${text}` : '';
}

/** A file from a GET the cookie authorizes, fetched (then saved) so a refusal is shown on the page, not as a broken download. */
async function download(path: string, fallbackName: string): Promise<{ blob: Blob; filename: string }> {
  const res = await fetch(path).catch(() => {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection, then try again.');
  });
  if (!res.ok) throw await errorOf(res);
  const named = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  return { blob: await res.blob(), filename: named ?? fallbackName };
}

async function errorOf(res: Response): Promise<ApiError> {
  const parsed = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  return new ApiError(res.status, parsed.error?.code ?? 'http_error', parsed.error?.message ?? `The server answered ${res.status} ${res.statusText}; try again in a moment.`);
}

/**
 * How long a refused request should wait, in seconds: the RateLimit header's reset (what is left of
 * the window), else Retry-After.
 */
function waitOf(headers: Headers): number | undefined {
  const reset = Number(/(?:^|[;,\s])reset=(\d+)/.exec(headers.get('ratelimit') ?? '')?.[1]);
  const retryAfter = Number(headers.get('retry-after'));
  const seconds = Number.isFinite(reset) && reset > 0 ? reset : retryAfter;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
