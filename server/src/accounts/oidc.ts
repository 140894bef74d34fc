import * as client from 'openid-client';
import type { OidcSettings } from '../config/index.js';
import type { AccountRole } from '../contract/index.js';
import { FaultlineError, errorMessage } from '../errors/index.js';

/** Sign-ins started and not yet back from the provider: at most this many, each for at most PENDING_MS. */
const MAX_PENDING = 1000;
const PENDING_MS = 10 * 60_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Who the provider says signed in, once every rule of this server has been applied. */
export interface OidcIdentity {
  email: string;
  name: string;
  role: AccountRole;
}

export type OidcRefusalReason = 'state' | 'provider' | 'email' | 'unverified' | 'domain' | 'role';

/**
 * A sign-in this server refuses: the reason (for the audit log), the email when it is known, and
 * a message that tells the person what to do.
 */
export class OidcRefusal extends FaultlineError {
  readonly reason: OidcRefusalReason;
  readonly email: string | undefined;
  constructor(reason: OidcRefusalReason, message: string, email?: string, options?: { cause?: unknown }) {
    super(reason === 'state' || reason === 'provider' ? 'bad_request' : 'forbidden', message, options);
    this.name = 'OidcRefusal';
    this.reason = reason;
    this.email = email;
  }
}

interface Pending {
  verifier: string;
  nonce: string;
  redirectUri: string;
  next: string;
  created: number;
}

/**
 * The relying party: authorization code flow with PKCE (S256), state and nonce, on openid-client.
 * The PKCE verifier and the nonce stay here, keyed by the state; the browser only carries the
 * state (in the URL and in a cookie the HTTP layer checks), never the verifier.
 */
export class OidcRelyingParty {
  private discovered: Promise<client.Configuration> | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly issuer: URL;

  constructor(
    private readonly settings: OidcSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.issuer = new URL(settings.issuer);
    if (this.issuer.protocol === 'http:' && !LOOPBACK.has(this.issuer.hostname)) {
      throw new FaultlineError(
        'bad_request',
        `FAULTLINE_OIDC_ISSUER is ${settings.issuer}: single sign-on needs an https issuer (plain http is allowed only on this machine's loopback, for tests). Use the provider's https issuer URL.`,
      );
    }
    if (this.issuer.protocol !== 'http:' && this.issuer.protocol !== 'https:') {
      throw new FaultlineError('bad_request', `FAULTLINE_OIDC_ISSUER is ${settings.issuer}: it must be an https URL.`);
    }
  }

  /** The provider's authorization URL for a new sign-in that returns to `redirectUri`, then to `next`; and the state to bind to the browser. */
  async begin(redirectUri: string, next: string): Promise<{ url: URL; state: string }> {
    const config = await this.configuration();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    this.remember(state, { verifier, nonce, redirectUri, next, created: this.now() });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state };
  }

  /**
   * The provider's answer (the callback's query string) for the sign-in `state` started: the
   * code exchanged, the ID token checked (signature, issuer, audience, nonce), and the identity
   * with this server's rules applied. Each state works once.
   */
  async finish(state: string, query: URLSearchParams): Promise<{ identity: OidcIdentity; next: string }> {
    const pending = this.take(state);
    if (!pending) {
      throw new OidcRefusal('state', 'This sign-in is unknown or expired here (it has to finish within 10 minutes, in the browser that started it). Start again from the sign-in page.');
    }
    const config = await this.configuration();
    const currentUrl = new URL(pending.redirectUri);
    currentUrl.search = query.toString();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      if (err instanceof client.AuthorizationResponseError) {
        throw new OidcRefusal('provider', `The sign-in provider did not sign you in (${err.error}${err.error_description ? `: ${err.error_description}` : ''}). Try again, or ask your administrator.`, undefined, { cause: err });
      }
      throw new OidcRefusal('provider', `The sign-in could not be completed with ${this.settings.issuer} (${errorMessage(err)}). Try again; if it keeps failing, tell whoever runs Faultline.`, undefined, { cause: err });
    }
    const idClaims: Record<string, unknown> = { ...(tokens.claims() ?? {}) };
    let claims = idClaims;
    // Many providers keep email, name or roles out of the ID token and answer them at userinfo.
    if (!idClaims.email || !idClaims.name || lookup(idClaims, this.settings.roleClaim) === undefined) {
      const sub = typeof idClaims.sub === 'string' ? idClaims.sub : client.skipSubjectCheck;
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, sub).catch((err: unknown) => {
        throw new OidcRefusal('provider', `The sign-in provider's userinfo endpoint failed (${errorMessage(err)}). Try again; if it keeps failing, tell whoever runs Faultline.`, undefined, { cause: err });
      });
      claims = { ...userinfo, ...Object.fromEntries(Object.entries(idClaims).filter(([, v]) => v !== undefined && v !== null)) };
    }
    return { identity: this.identityOf(claims), next: pending.next };
  }

  /** This server's rules over the claims: a verified email at an allowed domain, and one of the two roles. */
  identityOf(claims: Record<string, unknown>): OidcIdentity {
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
      throw new OidcRefusal('email', 'The sign-in provider did not say which email address you have. Ask your administrator to release the email claim (scope "email") to Faultline.');
    }
    if (claims.email_verified === false) {
      throw new OidcRefusal('unverified', `The sign-in provider says ${email} is not verified. Verify it with your provider, then sign in again.`, email);
    }
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (!this.settings.allowedDomains.includes(domain)) {
      throw new OidcRefusal(
        'domain',
        `${email} is not at a domain allowed to sign in here (${this.settings.allowedDomains.join(', ')}). Sign in with your work account, or ask whoever runs Faultline to allow ${domain}.`,
        email,
      );
    }
    const value = lookup(claims, this.settings.roleClaim);
    const roles = Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : typeof value === 'string' ? [value] : [];
    const role: AccountRole | undefined = roles.includes(this.settings.adminRole) ? 'admin' : roles.includes(this.settings.interviewerRole) ? 'interviewer' : undefined;
    if (!role) {
      throw new OidcRefusal(
        'role',
        `${email} has neither the role "${this.settings.interviewerRole}" nor "${this.settings.adminRole}" (claim "${this.settings.roleClaim}"). Ask your administrator to give you one of them in the sign-in provider, then sign in again.`,
        email,
      );
    }
    const given = [claims.given_name, claims.family_name].filter((s): s is string => typeof s === 'string' && s.trim() !== '').join(' ');
    const name = [claims.name, given, claims.preferred_username, email].find((s): s is string => typeof s === 'string' && s.trim() !== '') ?? email;
    return { email, name: name.trim().slice(0, 200), role };
  }

  /** The provider's metadata, discovered at the first sign-in and kept; a failure is retried at the next one. */
  private configuration(): Promise<client.Configuration> {
    this.discovered ??= client
      .discovery(this.issuer, this.settings.clientId, this.settings.clientSecret, undefined, {
        // Plain http only ever reaches here for a loopback issuer (the constructor refuses the rest): the tests' provider.
        execute: this.issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
        timeout: 10,
      })
      .catch((err: unknown) => {
        this.discovered = undefined;
        throw new FaultlineError(
          'internal',
          `Single sign-on is unavailable: the provider at ${this.settings.issuer} could not be discovered (${errorMessage(err)}). Check FAULTLINE_OIDC_ISSUER and that this server reaches the provider, then try again.`,
          { cause: err },
        );
      });
    return this.discovered;
  }

  private remember(state: string, pending: Pending): void {
    const cutoff = this.now() - PENDING_MS;
    for (const [key, p] of this.pending) {
      if (p.created >= cutoff && this.pending.size < MAX_PENDING) break;
      // Oldest first (insertion order): expired ones, then whatever keeps the map within its bound.
      this.pending.delete(key);
    }
    this.pending.set(state, pending);
  }

  private take(state: string): Pending | undefined {
    const pending = this.pending.get(state);
    this.pending.delete(state);
    if (!pending || pending.created < this.now() - PENDING_MS) return undefined;
    return pending;
  }
}

/** A claim by name, or by a dotted path into objects (Keycloak's `realm_access.roles`); a claim whose own name has dots wins. */
export function lookup(claims: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
