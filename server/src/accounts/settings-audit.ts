import crypto from 'node:crypto';
import type { Config } from '../config/index.js';
import type { AuditLog } from './audit.js';

/** The settings that decide who gets in and what is kept about candidates. */
function securitySettings(config: Config): Record<string, unknown> {
  return {
    singleSignOn: config.oidc ? config.oidc.issuer : 'off',
    allowedDomains: config.oidc?.allowedDomains ?? [],
    roleClaim: config.oidc?.roleClaim ?? null,
    interviewerKeyEnabled: config.accounts.interviewerKeyEnabled,
    signInIdleMinutes: config.accounts.idleMinutes,
    signInMaxHours: config.accounts.maxHours,
    secureCookies: config.accounts.secureCookies,
    retentionDays: config.retentionDays,
    // The text itself may be long; its fingerprint tells that it changed.
    candidateNotice: crypto.createHash('sha256').update(config.candidateNotice).digest('hex').slice(0, 12),
  };
}

/**
 * Settings come from the environment, so a change shows only at a start: each start compares them
 * with the last ones the audit log holds and records the difference.
 */
export function auditSettings(audit: AuditLog, config: Config): string[] {
  const now = securitySettings(config);
  const last = audit.list({ limit: 1, action: 'settings' })[0]?.detail.settings as Record<string, unknown> | undefined;
  const changed = Object.keys(now).filter((k) => JSON.stringify(now[k]) !== JSON.stringify(last?.[k]));
  if (changed.length > 0) audit.record({ action: 'settings', actor: 'system', detail: { changed, settings: now } });
  return changed;
}
