import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERVIEWER_KEY, startTestServer, waitReady, type TestServer } from './server-helpers.js';
import { TermClient } from './terminal-client.js';

/**
 * Property-based fuzzing of the REST and WebSocket surfaces with malformed, oversized, deeply
 * nested and odd-unicode input: every answer is a clear 4xx (or an error frame), the server never
 * crashes, and the data of a live session is never lost.
 */
const RUNS = Number(process.env.FAULTLINE_FUZZ_RUNS ?? 150);

const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('\u0000', '\ud800', '\u202e', '💥'.repeat(50), '../../etc/passwd', '<script>x</script>', "'; drop table sessions; --", '%00', '{{hosts}}'),
);
const nested = fc.integer({ min: 50, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));
const value = fc.oneof(fc.jsonValue({ maxDepth: 6 }), oddString, fc.constant(null), fc.integer(), fc.double());
const body = fc.oneof(
  fc.dictionary(fc.oneof(oddString, fc.constantFrom('scenarioId', 'mode', 'seed', 'text', 'id', 'outcome', 'competencies', '__proto__', 'constructor')), value),
  value,
);
const rawBody = fc.oneof(
  nested,
  oddString,
  fc.constantFrom('{', '{"a":', 'null', '[]', '{"scenarioId":"x","mode":"practice"', '\u0000\u0000'),
  fc.integer({ min: 20_000, max: 200_000 }).map((n) => JSON.stringify({ text: 'x'.repeat(n) })),
);
const routes = ['/api/sessions', '/api/sessions/{id}/notes', '/api/sessions/{id}/hints', '/api/sessions/{id}/checks', '/api/sessions/{id}/escalations', '/api/sessions/{id}/score', '/api/sessions/{id}/reset', '/api/sessions/{id}/end'];

describe('fuzzing the REST and WebSocket surfaces', () => {
  let t: TestServer;
  let sessionId = '';
  let interviewer = '';
  let candidate = '';
  let notesBefore = 0;

  beforeAll(async () => {
    t = await startTestServer({ FAULTLINE_CHECK_INTERVAL_MS: '600000' });
    const created = await t.api<{ session: { id: string }; tokens: { candidate: string; interviewer: string } }>('POST', '/api/sessions', {
      token: INTERVIEWER_KEY,
      body: { scenarioId: 'dns-stale-record', mode: 'interview' },
    });
    expect(created.status).toBe(201);
    sessionId = created.body.session.id;
    interviewer = created.body.tokens.interviewer;
    candidate = created.body.tokens.candidate;
    await waitReady(t, sessionId, candidate);
    const note = await t.api('POST', `/api/sessions/${sessionId}/notes`, { token: interviewer, body: { text: 'kept through the fuzzing' } });
    expect(note.status).toBe(201);
    notesBefore = 1;
  });

  afterAll(async () => {
    if (sessionId) await t.api('POST', `/api/sessions/${sessionId}/end`, { token: interviewer });
    await t?.server.close();
  });

  const isClearRefusal = (status: number, b: unknown) =>
    status >= 400 && status < 500 && typeof (b as { error?: { code?: unknown; message?: unknown } })?.error?.message === 'string';

  it('answers malformed JSON bodies on every route with a clear 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(fc.constant('real'), fc.constantFrom('%ZZ', '%E0%A4%A', '..%2F..'), oddString), fc.oneof(fc.constant('none'), fc.constant('bad'), fc.constant('candidate')), body, async (route, idKind, tokenKind, payload) => {
        // Strings go into the path well-formed (lone surrogates replaced); a few malformed escapes go in raw.
        const id = idKind === 'real' ? sessionId : idKind.startsWith('%') || idKind.startsWith('..') ? idKind : encodeURIComponent(Buffer.from(idKind).toString('utf8')) || 'x';
        const token = tokenKind === 'bad' ? 'not-a-token' : tokenKind === 'candidate' ? candidate : undefined;
        const method = route.endsWith('/score') ? 'PUT' : 'POST';
        // Never end, reset or escalate the session under test with a valid token.
        if (idKind === 'real' && tokenKind === 'candidate' && /end|reset/.test(route)) return;
        const res = await t.api(method, route.replace('{id}', id), { token, body: payload });
        if (res.status < 400) {
          // Only the candidate's harmless calls may succeed on the real session.
          expect(idKind === 'real' && tokenKind === 'candidate' && /checks|hints/.test(route), `${method} ${route} -> ${res.status}`).toBe(true);
          return;
        }
        expect(isClearRefusal(res.status, res.body), `${method} ${route} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses raw, deeply nested, truncated and oversized bodies with a clear 4xx', async () => {
    await fc.assert(
      // Only routes that read a body: the others rightly ignore it (and would end the session).
      fc.asyncProperty(fc.constantFrom('/api/sessions', '/api/sessions/{id}/notes', '/api/sessions/{id}/escalations', '/api/sessions/{id}/score'), rawBody, async (route, raw) => {
        const res = await t.api(route.endsWith('/score') ? 'PUT' : 'POST', route.replace('{id}', sessionId), { token: interviewer, raw });
        expect(isClearRefusal(res.status, res.body), `${route} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`).toBe(true);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('answers malformed WebSocket control frames with error frames and stays usable', async () => {
    let client = await TermClient.connect(t.url, sessionId, candidate);
    await client.untilOutput(/# $/);
    // Each socket answers a burst of invalid messages, then only notes that it drops them (the
    // abuse test covers that budget): a fresh socket every 40 keeps every frame answered.
    let invalidOnSocket = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          oddString,
          nested,
          fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
          fc.record({ type: fc.constantFrom('resize', 'ack', 'hello', 'input'), cols: value, rows: value, bytes: value }).map((v) => JSON.stringify(v)),
        ),
        async (frame) => {
          const errorsBefore = client.messages.filter((m) => m.type === 'error').length;
          client.ws.send(frame);
          const valid = (() => {
            try {
              const m = JSON.parse(frame) as { type?: unknown; cols?: unknown; rows?: unknown; bytes?: unknown };
              const int = (n: unknown, lo: number, hi: number) => Number.isInteger(n) && (n as number) >= lo && (n as number) <= hi;
              return (m?.type === 'ack' && int(m.bytes, 0, Number.MAX_SAFE_INTEGER)) || (m?.type === 'resize' && int(m.cols, 1, 1000) && int(m.rows, 1, 1000));
            } catch {
              return false;
            }
          })();
          if (!valid) {
            await client.until('an error frame', () => client.messages.filter((m) => m.type === 'error').length > errorsBefore, 5000);
            invalidOnSocket += 1;
            if (invalidOnSocket >= 40) {
              client.ws.terminate();
              client = await TermClient.connect(t.url, sessionId, candidate);
              invalidOnSocket = 0;
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
    client.control({ type: 'resize', cols: 100, rows: 30 });
    client.type('echo still-$((40+2))\r');
    await client.untilOutput(/still-42/);
    client.ws.terminate();
  });

  it('closes a socket that sends an oversized frame, without harming the session', async () => {
    const client = await TermClient.connect(t.url, sessionId, candidate);
    client.ws.send(JSON.stringify({ type: 'ack', bytes: 1, pad: 'x'.repeat(70 * 1024) }));
    const closed = await client.closed;
    expect(closed.code).toBe(1009);
    const again = await TermClient.connect(t.url, sessionId, candidate);
    again.type('echo back-$((1+1))\r');
    await again.untilOutput(/back-2/);
    again.ws.terminate();
  });

  it('is still healthy and lost nothing', async () => {
    expect((await t.api('GET', '/healthz')).status).toBe(200);
    const view = await t.api<{ session: { state: string; notes: unknown[] } }>('GET', `/api/sessions/${sessionId}`, { token: interviewer });
    expect(view.status).toBe(200);
    expect(view.body.session.state).toMatch(/ready|solved/);
    expect(view.body.session.notes.length).toBeGreaterThanOrEqual(notesBefore);
  });
});
