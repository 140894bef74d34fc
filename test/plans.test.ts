import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanPart } from '../server/src/contract/index.js';
import { FaultlineError } from '../server/src/errors/index.js';
import { MAX_PLANS, PlanStore } from '../server/src/sessions/plans.js';

let dir: string;
let db: Database.Database;
let store: PlanStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-plans-'));
  db = new Database(path.join(dir, 'faultline.db'));
  store = new PlanStore(db);
});

afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const parts: PlanPart[] = [{ scenarioId: 'dns-stale-record' }, { scenarioId: 'tls-expired-cert', timeLimitMinutes: 20 }];

/** The FaultlineError `fn` throws. */
function refusal(fn: () => unknown): FaultlineError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FaultlineError) return err;
    throw err;
  }
  throw new Error('expected a FaultlineError');
}

describe('saved plans', () => {
  it('creates, gets and lists plans newest first, and keeps them across a reopen', () => {
    const first = store.create('  Platform on-call ', parts, new Date('2026-12-01T10:00:00Z'));
    const second = store.create('Networking basics', [{ scenarioId: 'dns-stale-record' }], new Date('2026-12-02T10:00:00Z'));
    expect(first).toMatchObject({ name: 'Platform on-call', parts, createdAt: '2026-12-01T10:00:00.000Z' });
    expect(first.id).not.toBe(second.id);
    expect(store.get(first.id)).toEqual(first);
    expect(store.get('plan-unknown')).toBeUndefined();
    expect(store.list().map((p) => p.name)).toEqual(['Networking basics', 'Platform on-call']);

    db.close();
    db = new Database(path.join(dir, 'faultline.db'));
    store = new PlanStore(db);
    expect(store.list()).toEqual([second, first]);
  });

  it('lists plans created in the same millisecond newest first', () => {
    const at = new Date('2026-12-01T10:00:00Z');
    for (const name of ['a', 'b', 'c']) store.create(name, parts, at);
    expect(store.list().map((p) => p.name)).toEqual(['c', 'b', 'a']);
  });

  it('refuses a name taken in another case with a conflict that names the plan', () => {
    store.create('Platform On-Call', parts);
    const err = refusal(() => store.create('platform on-call', parts));
    expect(err.code).toBe('conflict');
    expect(err.status).toBe(409);
    expect(err.message).toContain('"Platform On-Call" already exists');
  });

  it('folds non-ASCII letters too', () => {
    store.create('Équipe réseau', parts);
    expect(refusal(() => store.create('ÉQUIPE RÉSEAU', parts)).code).toBe('conflict');
  });

  it('takes names of 1 to 100 characters on one line', () => {
    expect(store.create('x'.repeat(100), parts).name).toHaveLength(100);
    for (const bad of ['', '   ', 'y'.repeat(101), 'two\nlines', 'tab\there']) {
      const err = refusal(() => store.create(bad, parts));
      expect(err.code).toBe('bad_request');
      expect(err.message).toMatch(/plan's name/);
    }
  });

  it('takes 1 to 5 parts of known shape', () => {
    expect(store.create('five', Array.from({ length: 5 }, () => ({ scenarioId: 'dns-stale-record' }))).parts).toHaveLength(5);
    const cases: Array<[unknown, RegExp]> = [
      [[], /at least one part/],
      [Array.from({ length: 6 }, () => ({ scenarioId: 'dns-stale-record' })), /at most 5 parts/],
      [[{ scenarioId: '../etc' }], /parts\.0\.scenarioId: must be a scenario id/],
      [[{ scenarioId: 'dns-stale-record', timeLimitMinutes: 0 }], /parts\.0\.timeLimitMinutes/],
      [[{ scenarioId: 'dns-stale-record', timeLimitMinutes: 241 }], /parts\.0\.timeLimitMinutes/],
      [[{ scenarioId: 'dns-stale-record', extra: true }], /parts\.0/],
    ];
    for (const [bad, message] of cases) {
      const err = refusal(() => store.create('bad', bad as PlanPart[]));
      expect(err.code).toBe('bad_request');
      expect(err.message).toMatch(message);
    }
    expect(store.list()).toHaveLength(1);
  });

  it(`keeps at most ${MAX_PLANS} plans`, () => {
    for (let i = 0; i < MAX_PLANS; i++) store.create(`plan ${i}`, parts);
    const err = refusal(() => store.create('one more', parts));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/already 200 saved plans; delete/);
    store.delete(store.list()[0]?.id as string);
    expect(store.create('one more', parts).name).toBe('one more');
  });

  it('deletes a plan, and says not_found for an unknown one', () => {
    const plan = store.create('short-lived', parts);
    store.delete(plan.id);
    expect(store.get(plan.id)).toBeUndefined();
    const err = refusal(() => store.delete(plan.id));
    expect(err.code).toBe('not_found');
    expect(err.message).toContain('GET /api/plans');
    // The name is free again.
    expect(store.create('short-lived', parts).name).toBe('short-lived');
  });
});
