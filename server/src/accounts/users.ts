import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Account, AccountChange, AccountRole, AccountSource } from '../contract/index.js';
import { FaultlineError } from '../errors/index.js';
import { decoyHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: AccountRole;
  source: AccountSource;
  password_hash: string | null;
  disabled_at: string | null;
  created_at: string;
  last_sign_in_at: string | null;
}

export interface NewAccount {
  email: string;
  name: string;
  role: AccountRole;
  source: AccountSource;
  password?: string | undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalEmail(email: string): string {
  return email.trim().toLowerCase();
}

function toAccount(row: UserRow): Account {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    source: row.source,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at ?? undefined,
  };
}

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new FaultlineError('bad_request', `A password needs at least ${String(MIN_PASSWORD_LENGTH)} characters; leave it out to have one generated.`);
  }
  if (password.length > 1024) throw new FaultlineError('bad_request', 'A password may have at most 1024 characters.');
}

/**
 * Staff accounts. `onDisable` lets the owner of sign-ins end them the moment an account is
 * disabled (the web sessions table checks the flag too, so nothing waits for a timeout).
 */
export class UserStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        source TEXT NOT NULL,
        password_hash TEXT,
        disabled_at TEXT,
        created_at TEXT NOT NULL,
        last_sign_in_at TEXT
      );
    `);
  }

  private row(where: 'id' | 'email', value: string): UserRow | undefined {
    return this.db.prepare(`SELECT * FROM users WHERE ${where} = ?`).get(value) as UserRow | undefined;
  }

  get(id: string): Account | undefined {
    const row = this.row('id', id);
    return row ? toAccount(row) : undefined;
  }

  /** The account or a not_found naming how to list them. */
  require(id: string): Account {
    const account = this.get(id);
    if (!account) throw new FaultlineError('not_found', `There is no user ${id}; GET /api/users lists them.`);
    return account;
  }

  byEmail(email: string): Account | undefined {
    const row = this.row('email', normalEmail(email));
    return row ? toAccount(row) : undefined;
  }

  list(): Account[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY created_at, email').all() as UserRow[]).map(toAccount);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  /** Admins who can still sign in. */
  adminCount(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL").get() as { n: number }).n;
  }

  async add(input: NewAccount): Promise<Account> {
    const email = normalEmail(input.email);
    if (!EMAIL.test(email) || email.length > 254) throw new FaultlineError('bad_request', `"${input.email}" is not an email address.`);
    const name = input.name.trim();
    if (!name || name.length > 100) throw new FaultlineError('bad_request', 'A name needs 1 to 100 characters.');
    if (this.row('email', email)) throw new FaultlineError('conflict', `There is already an account for ${email}.`);
    if (input.password !== undefined) checkPassword(input.password);
    const hash = input.source === 'local' && input.password !== undefined ? await hashPassword(input.password) : null;
    const id = `u_${crypto.randomBytes(9).toString('base64url')}`;
    this.db
      .prepare('INSERT INTO users (id, email, name, role, source, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, email, name, input.role, input.source, hash, new Date().toISOString());
    return this.require(id);
  }

  change(id: string, change: AccountChange): Account {
    const before = this.require(id);
    if (before.role === 'admin' && !before.disabled && (change.role === 'interviewer' || change.disabled === true) && this.adminCount() <= 1) {
      throw new FaultlineError('conflict', `${before.email} is the last admin who can sign in; make another admin first.`);
    }
    const name = change.name?.trim();
    if (name !== undefined && (!name || name.length > 100)) throw new FaultlineError('bad_request', 'A name needs 1 to 100 characters.');
    this.db
      .prepare(
        `UPDATE users SET name = coalesce(@name, name), role = coalesce(@role, role),
           disabled_at = CASE WHEN @disabled IS NULL THEN disabled_at WHEN @disabled = 1 THEN coalesce(disabled_at, @now) ELSE NULL END
         WHERE id = @id`,
      )
      .run({ id, name: name ?? null, role: change.role ?? null, disabled: change.disabled === undefined ? null : change.disabled ? 1 : 0, now: new Date().toISOString() });
    return this.require(id);
  }

  async setPassword(id: string, password: string): Promise<void> {
    const account = this.require(id);
    if (account.source !== 'local') throw new FaultlineError('conflict', `${account.email} signs in with single sign-on; its password is kept by the identity provider.`);
    checkPassword(password);
    this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(await hashPassword(password), id);
  }

  /**
   * The local account these credentials open, or undefined. Disabled accounts are returned
   * (verified) so the caller can say so; an unknown email costs the same time as a wrong password.
   */
  async verifyPassword(email: string, password: string): Promise<Account | undefined> {
    const row = this.row('email', normalEmail(email));
    const hash = row?.source === 'local' ? row.password_hash : null;
    const ok = await verifyPassword(password, hash ?? (await decoyHash()));
    return row && hash && ok ? toAccount(row) : undefined;
  }

  signedIn(id: string): void {
    this.db.prepare('UPDATE users SET last_sign_in_at = ? WHERE id = ?').run(new Date().toISOString(), id);
  }

  /** Single sign-on: the provider is the source of name and role, so each sign-in refreshes them. */
  async upsertExternal(input: { email: string; name: string; role: AccountRole }): Promise<Account> {
    const existing = this.byEmail(input.email);
    if (!existing) return this.add({ ...input, source: 'oidc' });
    if (existing.disabled) throw new FaultlineError('forbidden', `The account ${existing.email} is disabled here; ask a Faultline admin to enable it.`);
    if (existing.source !== 'oidc') {
      throw new FaultlineError('conflict', `${existing.email} has a local account here; ask an admin to remove it or sign in with its password.`);
    }
    const name = input.name.trim().slice(0, 100) || existing.name;
    this.db.prepare('UPDATE users SET name = ?, role = ? WHERE id = ?').run(name, input.role, existing.id);
    return this.require(existing.id);
  }
}
