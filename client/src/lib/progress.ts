// Practice progress lives in this browser only: which scenarios were solved and the best time.

const KEY = 'faultline.progress.v1';

export interface ScenarioProgress {
  solvedAt: string;
  bestSeconds: number;
  attempts: number;
}

export type Progress = Record<string, ScenarioProgress>;

export function loadProgress(): Progress {
  try {
    return (JSON.parse(localStorage.getItem(KEY) ?? '{}') as Progress) ?? {};
  } catch {
    return {};
  }
}

const PRACTICE_KEY = 'faultline.practice';

/**
 * Which scenario a practice session in this browser plays: the candidate's session view leaves
 * the scenario id out (it names the fault), so the catalogue notes it when it starts one.
 */
export const practiceScenario = {
  remember(sessionId: string, scenarioId: string): void {
    localStorage.setItem(`${PRACTICE_KEY}.${sessionId}`, scenarioId);
  },
  of(sessionId: string): string | undefined {
    return localStorage.getItem(`${PRACTICE_KEY}.${sessionId}`) ?? undefined;
  },
};

/** Record a solve once per session (a reload of a solved session must not count twice). */
export function recordSolve(scenarioId: string, sessionId: string, seconds: number): void {
  const seenKey = `faultline.solved.${sessionId}`;
  if (localStorage.getItem(seenKey)) return;
  localStorage.setItem(seenKey, '1');
  const progress = loadProgress();
  const prev = progress[scenarioId];
  progress[scenarioId] = {
    solvedAt: new Date().toISOString(),
    bestSeconds: prev ? Math.min(prev.bestSeconds, seconds) : seconds,
    attempts: (prev?.attempts ?? 0) + 1,
  };
  localStorage.setItem(KEY, JSON.stringify(progress));
}

const INTERVIEWER_KEY = 'faultline.interviewerKey';

export const interviewerKey = {
  get: () => localStorage.getItem(INTERVIEWER_KEY) ?? '',
  set: (key: string) => localStorage.setItem(INTERVIEWER_KEY, key),
  clear: () => localStorage.removeItem(INTERVIEWER_KEY),
};
