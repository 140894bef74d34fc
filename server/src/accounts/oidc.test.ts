import { describe, expect, it } from 'vitest';
import type { OidcSettings } from '../config/index.js';
import { OidcRefusal, OidcRelyingParty, lookup } from './oidc.js';

const SETTINGS: OidcSettings = {
  issuer: 'https://login.example.com/realms/hiring',
  clientId: 'faultline',
  clientSecret: 'secret',
  name: 'Example',
  scopes: 'openid email profile',
  roleClaim: 'roles',
  adminRole: 'faultline-admin',
  interviewerRole: 'faultline-interviewer',
  allowedDomains: ['example.com'],
};

function refusal(fn: () => unknown): OidcRefusal {
  try {
    fn();
  } catch (err) {
    if (err instanceof OidcRefusal) return err;
    throw err;
  }
  throw new Error('no refusal');
}

describe('the relying party rules over the claims', () => {
  const rp = new OidcRelyingParty(SETTINGS);

  it('takes the role from a string or a list; admin wins over interviewer', () => {
    expect(rp.identityOf({ email: 'Ada@Example.com', name: 'Ada', roles: 'faultline-interviewer' })).toEqual({ email: 'ada@example.com', name: 'Ada', role: 'interviewer' });
    expect(rp.identityOf({ email: 'ada@example.com', roles: ['faultline-interviewer', 'faultline-admin'], given_name: 'Ada', family_name: 'L' })).toEqual({ email: 'ada@example.com', name: 'Ada L', role: 'admin' });
  });

  it('reaches into objects with a dotted path, and a claim named with dots wins', () => {
    const keycloak = new OidcRelyingParty({ ...SETTINGS, roleClaim: 'realm_access.roles' });
    expect(keycloak.identityOf({ email: 'a@example.com', realm_access: { roles: ['faultline-admin'] } }).role).toBe('admin');
    expect(lookup({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toBe(1);
    expect(lookup({ a: { b: 2 } }, 'a.b')).toBe(2);
    expect(lookup({}, 'constructor')).toBeUndefined();
    expect(lookup({ a: [{ b: 1 }] }, 'a.0.b')).toBeUndefined();
  });

  it('refuses an unverified email, another domain (subdomains too), no role and no email', () => {
    expect(refusal(() => rp.identityOf({ email: 'a@example.com', email_verified: false, roles: ['faultline-admin'] })).reason).toBe('unverified');
    expect(refusal(() => rp.identityOf({ email: 'a@evil.example.com', roles: ['faultline-admin'] })).reason).toBe('domain');
    expect(refusal(() => rp.identityOf({ email: 'a@example.com.evil.test', roles: ['faultline-admin'] })).reason).toBe('domain');
    const none = refusal(() => rp.identityOf({ email: 'a@example.com', roles: ['something-else'] }));
    expect(none.reason).toBe('role');
    expect(none.status).toBe(403);
    expect(none.email).toBe('a@example.com');
    expect(refusal(() => rp.identityOf({ sub: 'x', roles: ['faultline-admin'] })).reason).toBe('email');
  });

  it('refuses a plain-http issuer beyond loopback, at once', () => {
    expect(() => new OidcRelyingParty({ ...SETTINGS, issuer: 'http://login.example.com' })).toThrow(/needs an https issuer/);
    expect(() => new OidcRelyingParty({ ...SETTINGS, issuer: 'http://127.0.0.1:9999' })).not.toThrow();
    expect(() => new OidcRelyingParty({ ...SETTINGS, issuer: 'http://[::1]:9999' })).not.toThrow();
  });

  it('a provider that cannot be discovered is a clear error naming the issuer', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const down = new OidcRelyingParty({ ...SETTINGS, issuer: 'http://127.0.0.1:1' });
    await expect(down.begin('http://127.0.0.1:7300/auth/oidc/callback', '/dashboard')).rejects.toThrow(/Single sign-on is unavailable: the provider at http:\/\/127\.0\.0\.1:1 could not be discovered/);
  });

  it('an unknown state is refused before anything is asked of the provider', async () => {
    await expect(rp.finish('never-started', new URLSearchParams('code=x&state=never-started'))).rejects.toMatchObject({ reason: 'state', status: 400 });
  });
});
