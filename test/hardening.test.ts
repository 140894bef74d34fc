import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitReady, type TestServer } from './server-helpers.js';

/** Limits at the front door: security headers, creation rate per client, lab capacity, body size. */
describe('front-door limits', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ FAULTLINE_SESSION_RATE_LIMIT: '3' });
  });

  afterAll(async () => {
    await t?.server.close();
  });

  it('sends security headers on pages and API answers', async () => {
    for (const path of ['/', '/api/scenarios', '/healthz']) {
      const res = await fetch(`${t.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('limits session creation per client with a clear 429; failed requests do not count', async () => {
    // An unknown scenario fails at once and starts nothing: such requests do not use the allowance.
    for (let i = 0; i < 5; i++) {
      expect((await t.api('POST', '/api/sessions', { body: { scenarioId: 'no-such-scenario', mode: 'practice' } })).status).toBe(404);
    }
    const statuses: number[] = [];
    let last: { status: number; body: { error?: { code: string; message: string } }; headers: Headers } | undefined;
    for (let i = 0; i < 4; i++) {
      last = await t.api('POST', '/api/sessions', { body: { scenarioId: 'dns-stale-record', mode: 'practice' } });
      statuses.push(last.status);
      const created = last.body as { session?: { id: string }; tokens?: { candidate: string } };
      // Ended at once: only the answer matters; its environment is removed as it comes up.
      if (created.session && created.tokens) await t.api('POST', `/api/sessions/${created.session.id}/end`, { token: created.tokens.candidate });
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect(last?.body.error?.code).toBe('rate_limited');
    expect(last?.body.error?.message).toMatch(/per minute/);
    expect(last?.headers.get('ratelimit-policy') ?? last?.headers.get('retry-after')).toBeTruthy();
    // Other routes are not limited.
    expect((await t.api('GET', '/api/scenarios')).status).toBe(200);
  });

  it('refuses an oversized body with 413 and a JSON error', async () => {
    const res = await t.api<{ error: { code: string } }>('POST', '/api/sessions/x/notes', { raw: JSON.stringify({ text: 'x'.repeat(100_000) }) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});

describe('lab capacity', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ FAULTLINE_MAX_SESSIONS: '1' });
  });

  afterAll(async () => {
    await t?.server.close();
  });

  it('answers "lab is full" once the cap of live sessions is reached', async () => {
    const first = await t.api<{ session: { id: string }; tokens: { candidate: string } }>('POST', '/api/sessions', {
      body: { scenarioId: 'dns-stale-record', mode: 'practice' },
    });
    expect(first.status).toBe(201);
    const second = await t.api<{ error: { code: string; message: string } }>('POST', '/api/sessions', {
      body: { scenarioId: 'dns-stale-record', mode: 'practice' },
    });
    expect(second.status).toBe(503);
    expect(second.body.error.code).toBe('lab_full');
    expect(second.body.error.message).toMatch(/lab is full/i);
    // End it once it is up: a session ended mid-start removes its environment only when the start
    // finishes, which must happen before this server closes.
    await waitReady(t, first.body.session.id, first.body.tokens.candidate);
    await t.api('POST', `/api/sessions/${first.body.session.id}/end`, { token: first.body.tokens.candidate });
  });
});
