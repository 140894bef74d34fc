import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Accounts } from '../server/src/accounts/index.js';
import { auditSettings } from '../server/src/accounts/settings-audit.js';
import { testConfig } from './helpers.js';

// The accounts core without HTTP: sign-in timeouts, password hashes, tokens and the settings audit.

const settings = { interviewerKeyEnabled: true, idleMinutes: 30, maxHours: 2, secureCookies: false };
const fresh = () => new Accounts(new Database(':memory:'), settings);
const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * 60_000);

describe('the accounts core', () => {
  it('keeps only a scrypt hash of a password, and tells a right one from a wrong one', async () => {
    const accounts = fresh();
    const user = await accounts.users.add({ email: 'a@example.test', name: 'A', role: 'admin', source: 'local', password: 'a-long-password-1' });
    const row = (accounts.users as unknown as { db: Database.Database }).db.prepare('SELECT password_hash FROM users WHERE id = ?').get(user.id) as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain('a-long-password-1');
    expect(await accounts.users.verifyPassword('A@EXAMPLE.test', 'a-long-password-1')).toMatchObject({ id: user.id });
    expect(await accounts.users.verifyPassword('a@example.test', 'a-long-password-2')).toBeUndefined();
    expect(await accounts.users.verifyPassword('nobody@example.test', 'a-long-password-1')).toBeUndefined();
    await expect(accounts.users.add({ email: 'b@example.test', name: 'B', role: 'interviewer', source: 'local', password: 'short' })).rejects.toThrow(/at least 12 characters/);
  });

  it('ends a sign-in after the idle timeout, and after the absolute one however busy', async () => {
    const accounts = fresh();
    const user = await accounts.users.add({ email: 'a@example.test', name: 'A', role: 'admin', source: 'local', password: 'a-long-password-1' });
    const start = new Date('2026-12-01T09:00:00Z');
    const idle = accounts.webSessions.open(user.id, start);
    expect(accounts.webSessions.resolve(idle.secret, at(start, 29))).toBeDefined();
    expect(accounts.webSessions.resolve(idle.secret, at(start, 29 + 31))).toBeUndefined();
    // Used every 20 minutes, it still ends at the absolute limit (2 h).
    const busy = accounts.webSessions.open(user.id, start);
    for (let m = 20; m < 120; m += 20) expect(accounts.webSessions.resolve(busy.secret, at(start, m)), `at ${m} min`).toBeDefined();
    expect(accounts.webSessions.resolve(busy.secret, at(start, 121))).toBeUndefined();
    expect(accounts.webSessions.resolve('not-a-secret')).toBeUndefined();
  });

  it('stops a disabled user\'s sign-ins and tokens, and keeps the last admin', async () => {
    const accounts = fresh();
    const admin = await accounts.users.add({ email: 'a@example.test', name: 'A', role: 'admin', source: 'local', password: 'a-long-password-1' });
    const ivan = await accounts.users.add({ email: 'i@example.test', name: 'I', role: 'interviewer', source: 'local', password: 'a-long-password-1' });
    const signIn = accounts.webSessions.open(ivan.id);
    const token = accounts.tokens.create(ivan.id, 'ci');
    expect(accounts.tokens.resolve(token.secret)?.id).toBe(ivan.id);
    accounts.users.change(ivan.id, { disabled: true });
    expect(accounts.webSessions.resolve(signIn.secret)).toBeUndefined();
    expect(accounts.tokens.resolve(token.secret)).toBeUndefined();
    expect(() => accounts.users.change(admin.id, { disabled: true })).toThrow(/last admin/);
    expect(() => accounts.users.change(admin.id, { role: 'interviewer' })).toThrow(/last admin/);
    await expect(accounts.users.upsertExternal({ email: 'i@example.test', name: 'I', role: 'admin' })).rejects.toThrow(/disabled/);
  });

  it('audits security settings only when they change between starts', () => {
    const accounts = fresh();
    const config = testConfig({});
    expect(auditSettings(accounts.audit, config)).toContain('retentionDays');
    expect(auditSettings(accounts.audit, config)).toEqual([]);
    expect(auditSettings(accounts.audit, { ...config, retentionDays: 30 })).toEqual(['retentionDays']);
    expect(accounts.audit.list({ action: 'settings' })).toHaveLength(2);
  });
});
