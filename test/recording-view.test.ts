import { describe, expect, it } from 'vitest';
import { recordingForRole } from '../server/src/terminal/index.js';

// What a candidate's own recording may say: their page's names, never the ids that name the fault.

const CAST = [
  JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1_800_000_000, title: 'tcp-loopback-bind (practice)' }),
  JSON.stringify([0.5, 'o', 'root@ws:~# ']),
  JSON.stringify([1.25, 'i', 'ssh app\r']),
  JSON.stringify([3, 'm', 'check portal failed']),
  JSON.stringify([9.5, 'm', 'check portal passed']),
  JSON.stringify([9.5, 'm', 'solved']),
  JSON.stringify([12, 'm', 'escalation moved-port']),
  JSON.stringify([12.5, 'm', 'check portal-v2 failed']),
  JSON.stringify([13, 'm', 'check gone-after-reset passed']),
  JSON.stringify([14, 'm', 'hint 1']),
  '[15, "o", "torn by a cra',
  '',
].join('\n');

const record = {
  checks: [{ id: 'portal' }, { id: 'portal-v2' }] as never,
  escalations: [{ id: 'moved-port', title: 'Release 2.0 moved the app', notice: 'The app team shipped 2.0', appliedAt: '' }],
};

describe('recordingForRole', () => {
  it('gives watchers the file as written', () => {
    expect(recordingForRole(CAST, 'interviewer', record, 'The new portal answers 502')).toBe(CAST);
    expect(recordingForRole(CAST, 'viewer', record, 'The new portal answers 502')).toBe(CAST);
  });

  it("gives a candidate the scenario's title and their page's names for checks and escalations, with times and output kept", () => {
    const text = recordingForRole(CAST, 'candidate', record, 'The new portal answers 502');
    const [head, ...lines] = text.trimEnd().split('\n');
    expect(JSON.parse(head ?? '')).toEqual({ version: 2, width: 80, height: 24, timestamp: 1_800_000_000, title: 'The new portal answers 502' });
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      [0.5, 'o', 'root@ws:~# '],
      [1.25, 'i', 'ssh app\r'],
      [3, 'm', 'check check-1 failed'],
      [9.5, 'm', 'check check-1 passed'],
      [9.5, 'm', 'solved'],
      [12, 'm', 'escalation escalation-1'],
      [12.5, 'm', 'check check-2 failed'],
      [13, 'm', 'check passed'],
      [14, 'm', 'hint 1'],
    ]);
    for (const id of ['tcp-loopback-bind', 'check portal', 'portal-v2', 'moved-port', 'gone-after-reset', 'torn']) expect(text).not.toContain(id);
  });
});
