import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Shell } from '../server/src/runtime/exec.js';
import { recordingPath } from '../server/src/terminal/index.js';
import { originAllowed } from '../server/src/terminal/origin.js';
import { dirBytes, testConfig, testLab } from './helpers.js';
import { serveProcess, type ServerProcess } from './process-server.js';
import { INTERVIEWER_KEY, api, freePort, startTestServer, waitReady, type TestServer } from './server-helpers.js';
import { TermClient } from './terminal-client.js';

const PROMPT = /# $/;
const MiB = 1024 * 1024;
/** The notes one session keeps (sessions/service.ts). */
const MAX_NOTES = 200;

interface Created {
  session: { id: string };
  tokens: { candidate: string; interviewer?: string; viewer?: string };
}
type Call = <T = Record<string, unknown>>(method: string, p: string, opts?: { token?: string; body?: unknown }) => Promise<{ status: number; body: T; headers: Headers }>;

/** Create an interview, wait until it is ready, and note its environment so it can be removed whatever happens. */
async function interview(call: Call, envIds: string[], scenarioId = 'dns-stale-record'): Promise<{ id: string; candidate: string; interviewer: string; viewer: string }> {
  const res = await call<Created>('POST', '/api/sessions', { token: INTERVIEWER_KEY, body: { scenarioId, mode: 'interview' } });
  expect(res.status).toBe(201);
  const { id } = res.body.session;
  const { candidate, interviewer, viewer } = res.body.tokens as Required<Created['tokens']>;
  const session = await waitReady({ api: call }, id, candidate);
  expect({ state: session.state, error: session.error }).toEqual({ state: 'ready', error: undefined });
  const events = (await call<{ events: Array<{ type: string; data: Record<string, unknown> }> }>('GET', `/api/sessions/${id}/events`, { token: interviewer })).body.events;
  envIds.push(String(events.find((e) => e.type === 'ready')?.data.envId));
  return { id, candidate, interviewer, viewer };
}

async function removeEnvironments(envIds: string[]): Promise<void> {
  const lab = testLab();
  for (const envId of envIds.splice(0)) await lab.down(envId).catch(() => undefined);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a hostile candidate typing into a shell that does not read (server in its own process)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-abuse-'));
  const envIds: string[] = [];
  let server: ServerProcess | undefined;
  const clients: TermClient[] = [];

  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await server?.stop();
    await removeEnvironments(envIds);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the server under a memory ceiling while 60 KiB frames pour in for 20 s; another session still echoes', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = await serveProcess(dataDir, port);
    const call: Call = (method, p, opts) => api(base, method, p, opts);
    const [hostile, bystander] = [await interview(call, envIds), await interview(call, envIds)];

    const attacker = await TermClient.connect(base, hostile.id, hostile.candidate, { keepOutput: false });
    const other = await TermClient.connect(base, bystander.id, bystander.candidate);
    clients.push(attacker, other);
    await attacker.untilOutput(PROMPT);
    await other.untilOutput(PROMPT);
    attacker.type('sleep 300\r');
    await sleep(500);

    const baseline = server.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      if (server) peak = Math.max(peak, server.rss());
    }, 250);
    const frame = Buffer.alloc(60 * 1024, 0x61);
    const until = Date.now() + 20_000;
    let sent = 0;
    try {
      // The attacker writes as fast as the server takes it, with at most 8 MiB queued on its side.
      while (Date.now() < until) {
        if (attacker.ws.bufferedAmount > 8 * MiB) {
          await sleep(5);
          continue;
        }
        attacker.ws.send(frame, { binary: true });
        sent += frame.length;
        if (sent % (16 * frame.length) === 0) await new Promise((r) => setImmediate(r));
      }
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, server.rss());
    attacker.ws.terminate();
    console.log(`input flood: ${Math.round(sent / MiB)} MiB offered; server RSS ${Math.round(baseline / MiB)} MiB before, peak ${Math.round(peak / MiB)} MiB`);
    expect(peak - baseline).toBeLessThan(100 * MiB);

    other.type('echo still-$((40+2))\r');
    await other.untilOutput(/\rstill-42\r\n/);
  });
});

describe('bounds on one session (server in this process)', () => {
  let t: TestServer;
  const envIds: string[] = [];
  const clients: TermClient[] = [];
  let s: Awaited<ReturnType<typeof interview>>;
  const call: Call = (method, p, opts) => t.api(method, p, opts);
  const connect = async (token: string, sessionId = s.id) => {
    const c = await TermClient.connect(t.url, sessionId, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await startTestServer({ FAULTLINE_RECORDING_MAX_MB: '1', FAULTLINE_RECORDINGS_MAX_MB: '2', FAULTLINE_CHECK_INTERVAL_MS: '600000' });
    s = await interview(call, envIds);
  });

  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await t.server.close();
    await removeEnvironments(envIds);
  });

  it('keystrokes sent right after the first connect reach the shell once it is attached', async () => {
    const c = await connect(s.candidate);
    c.type('echo early-$((3*4))\r');
    await c.untilOutput(/\rearly-12\r\n/);
    c.ws.close();
  });

  it('coalesces a resize flood: few engine resizes, database writes and recorded r lines; the last size wins', async () => {
    const resizes: string[] = [];
    const saves: string[] = [];
    const openShell = t.server.sessions.openShell.bind(t.server.sessions);
    vi.spyOn(t.server.sessions, 'openShell').mockImplementation(async (id: string): Promise<Shell> => {
      const shell = await openShell(id);
      return {
        stream: shell.stream,
        resize: (cols, rows) => {
          resizes.push(`${cols}x${rows}`);
          return shell.resize(cols, rows);
        },
      };
    });
    const setSize = t.server.sessions.setTerminalSize.bind(t.server.sessions);
    vi.spyOn(t.server.sessions, 'setTerminalSize').mockImplementation((id, cols, rows) => {
      saves.push(`${cols}x${rows}`);
      setSize(id, cols, rows);
    });
    // A fresh shell (the previous one exits), so the wrapped resize is the one in use.
    const c = await connect(s.candidate);
    await c.message('snapshot');
    c.type('exit\r');
    await c.untilOutput(/starting a new one/);
    await c.untilOutput(PROMPT);
    const castLines = () => fs.readFileSync(recordingPath(t.config.dataDir, s.id), 'utf8').trim().split('\n').slice(1);
    const rBefore = castLines().filter((l) => l.includes('"r"')).length;
    const resizesBefore = resizes.length;
    for (let i = 0; i < 1000; i++) c.control({ type: 'resize', cols: 100 + (i % 2), rows: 30 + (i % 3) });
    c.control({ type: 'resize', cols: 123, rows: 45 });
    await expect.poll(() => t.server.sessions.get(s.id).terminal, { timeout: 10_000 }).toEqual({ cols: 123, rows: 45 });
    // The engine call for the last size may still be on its way: ask the shell until it says so.
    await expect
      .poll(
        async () => {
          c.type('stty size\r');
          await sleep(300);
          return /\r45 123\r\n/.test(c.tail);
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(true);
    const applied = resizes.length - resizesBefore;
    const rLines = castLines().filter((l) => l.includes('"r"')).length - rBefore;
    console.log(`1001 resizes sent: ${applied} engine resizes, ${saves.length} database writes, ${rLines} r lines`);
    expect(applied).toBeLessThan(50);
    expect(saves.length).toBeLessThan(50);
    expect(rLines).toBeLessThan(50);
    vi.restoreAllMocks();
    c.ws.close();
  });

  it('answers a flood of invalid control messages with a bounded number of errors; the socket keeps working', async () => {
    const c = await connect(s.candidate);
    await c.message('snapshot');
    for (let i = 0; i < 1000; i++) c.ws.send(`{"type":"nonsense","n":${i}}`);
    c.type('echo ctl-$((5*5))\r');
    await c.untilOutput(/\rctl-25\r\n/);
    const errors = c.messages.filter((m) => m.type === 'error');
    expect(errors.length).toBeGreaterThan(0);
    // A burst of 50 and 20 a second after it, against 1000 answers before.
    expect(errors.length).toBeLessThan(200);
    expect(errors.some((e) => e.code === 'rate_limited')).toBe(true);
    c.ws.close();
  });

  it('1000 reconnects add a handful of presence events, not 2000', async () => {
    const count = async () =>
      (await call<{ events: Array<{ type: string }> }>('GET', `/api/sessions/${s.id}/events`, { token: s.interviewer })).body.events.filter(
        (e) => e.type === 'joined' || e.type === 'left',
      ).length;
    const keep = await connect(s.viewer);
    await keep.message('snapshot');
    const before = await count();
    for (let i = 0; i < 200; i++) {
      const v = await TermClient.connect(t.url, s.id, s.viewer);
      await v.message('hello');
      await v.close();
      const w = await TermClient.connect(t.url, s.id, s.interviewer);
      await w.message('hello');
      await w.close();
    }
    const added = (await count()) - before;
    console.log(`400 reconnects added ${added} presence events`);
    expect(added).toBeLessThanOrEqual(4);
    keep.ws.close();
  });

  it(`keeps at most ${MAX_NOTES} notes per session, then says so`, async () => {
    for (let i = 0; i < MAX_NOTES; i++) {
      const res = await call('POST', `/api/sessions/${s.id}/notes`, { token: s.interviewer, body: { text: `note ${i}` } });
      expect(res.status).toBe(201);
    }
    const over = await call<{ error: { code: string; message: string } }>('POST', `/api/sessions/${s.id}/notes`, { token: s.interviewer, body: { text: 'one too many' } });
    expect(over.status).toBe(409);
    expect(over.body.error.message).toMatch(/200 notes/);
  });

  it('applies two identical escalation requests at once only once; the second gets 409', async () => {
    const ask = () => call<{ error?: { message: string } }>('POST', `/api/sessions/${s.id}/escalations`, { token: s.interviewer, body: { id: 'ttl-cache' } });
    const answers = await Promise.all([ask(), ask()]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const session = (await call<{ session: { escalations: Array<{ id: string }> } }>('GET', `/api/sessions/${s.id}`, { token: s.interviewer })).body.session;
    expect(session.escalations.map((e) => e.id)).toEqual(['ttl-cache']);
  });

  it('creates the database and recordings for the server user only', () => {
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    expect(mode(t.config.dataDir)).toBe(0o700);
    expect(mode(t.config.dbPath)).toBe(0o600);
    expect(mode(path.dirname(recordingPath(t.config.dataDir, s.id)))).toBe(0o700);
    expect(mode(recordingPath(t.config.dataDir, s.id))).toBe(0o600);
  });

  it('caps the recording of a flood of input nobody sees (stty -echo; cat > /dev/null), and says so once', async () => {
    const c = await connect(s.candidate);
    await c.message('snapshot');
    c.type('stty -echo; cat > /dev/null\r');
    await sleep(500);
    const line = `${'x'.repeat(1023)}\r`;
    // 1.5 MiB: past the 1 MiB recording cap, and in within the input budget (1 MiB at once, then 32 KiB/s).
    for (let i = 0; i < 1536; i++) {
      c.type(line);
      if (i % 64 === 63) await new Promise<void>((resolve) => c.ws.send(Buffer.alloc(0), { binary: true }, () => resolve()));
    }
    // End of file ends cat (Ctrl-C would also flush the line typed after it).
    c.type('\x04');
    c.type('stty echo; echo after-$((6*6))\r');
    await c.untilOutput(/after-36/, 90_000);
    const file = recordingPath(t.config.dataDir, s.id);
    expect(fs.statSync(file).size).toBeLessThanOrEqual(MiB);
    const stops = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('recording stopped'));
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatch(/input and output past this point were not kept/);
    expect(dirBytes(path.dirname(file))).toBeLessThanOrEqual(2 * MiB);
    // The rest of the data directory is the database (its WAL checkpoints at about 4 MiB).
    expect(dirBytes(t.config.dataDir)).toBeLessThan(10 * MiB);
    c.ws.close();
  });

  it('an ended session reads but does not change for the candidate: no solution or give-up; the interviewer may still score it; report and replay stay', async () => {
    const ended = await call<{ session: { state: string } }>('POST', `/api/sessions/${s.id}/end`, { token: s.interviewer });
    expect(ended.body.session.state).toBe('ended');
    const view = (await call<{ session: Record<string, unknown> }>('GET', `/api/sessions/${s.id}`, { token: s.interviewer })).body.session;
    expect(view.solution).toBeUndefined();
    expect(view.notes).toHaveLength(MAX_NOTES);
    // The note cap still holds after the end.
    const note = await call('POST', `/api/sessions/${s.id}/notes`, { token: s.interviewer, body: { text: 'after the end' } });
    expect(note.status).toBe(409);
    const score = await call('PUT', `/api/sessions/${s.id}/score`, {
      token: s.interviewer,
      body: { outcome: 'pass', competencies: { method: 3, networking: 3, communication: 3 } },
    });
    expect(score.status).toBe(200);
    const giveUp = await call('POST', `/api/sessions/${s.id}/give-up`, { token: s.interviewer });
    expect(giveUp.status).not.toBe(200);
    expect((await call('GET', `/api/sessions/${s.id}/events`, { token: s.interviewer })).status).toBe(200);
    expect((await call('GET', `/api/sessions/${s.id}/recording`, { token: s.viewer })).status).toBe(200);
  });
});

describe('session-creation rate limit', () => {
  const envIds: string[] = [];
  let t: TestServer | undefined;

  afterAll(async () => {
    await t?.server.close();
    await removeEnvironments(envIds);
  });

  const create = (server: TestServer, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(
      async (res) => {
        const json = (await res.json()) as { session?: { id: string }; tokens?: { candidate: string; interviewer?: string } };
        if (json.session && json.tokens) {
          const token = json.tokens.interviewer ?? json.tokens.candidate;
          // Ended at once: only the answer matters here. Its environment is removed as it comes up.
          await server.api('POST', `/api/sessions/${json.session.id}/end`, { token });
        }
        return res.status;
      },
    );

  it('ignores X-Forwarded-For by default, does not count failures, and gives the interviewer key its own allowance', async () => {
    t = await startTestServer({ FAULTLINE_SESSION_RATE_LIMIT: '1' });
    const practice = { scenarioId: 'dns-stale-record', mode: 'practice' };
    for (let i = 0; i < 5; i++) expect(await create(t, { scenarioId: 'no-such', mode: 'practice' }, { 'x-forwarded-for': `10.0.0.${i}` })).toBeGreaterThanOrEqual(400);
    expect(await create(t, { ...practice, seed: 'bad seed!' })).toBe(400);
    expect(await create(t, { scenarioId: 'dns-stale-record', mode: 'interview' }, { authorization: 'Bearer wrong-key-wrong-key-wrong' })).toBe(401);
    expect(await create(t, practice, { 'x-forwarded-for': '10.1.0.1' })).toBe(201);
    expect(await create(t, practice, { 'x-forwarded-for': '10.1.0.2' })).toBe(429);
    expect(await create(t, practice)).toBe(429);
    const asInterviewer = { authorization: `Bearer ${INTERVIEWER_KEY}` };
    expect(await create(t, { scenarioId: 'dns-stale-record', mode: 'interview' }, asInterviewer)).toBe(201);
    expect(await create(t, { scenarioId: 'dns-stale-record', mode: 'interview' }, asInterviewer)).toBe(429);
    await t.server.close();
    t = undefined;
  });

  it('believes X-Forwarded-For from a configured proxy (FAULTLINE_TRUST_PROXY)', async () => {
    t = await startTestServer({ FAULTLINE_SESSION_RATE_LIMIT: '1', FAULTLINE_TRUST_PROXY: '127.0.0.1' });
    const practice = { scenarioId: 'dns-stale-record', mode: 'practice' };
    expect(await create(t, practice, { 'x-forwarded-for': '198.51.100.7' })).toBe(201);
    expect(await create(t, practice, { 'x-forwarded-for': '198.51.100.8' })).toBe(201);
    expect(await create(t, practice, { 'x-forwarded-for': '198.51.100.8' })).toBe(429);
    expect(() => testConfig({ FAULTLINE_TRUST_PROXY: 'everyone' })).toThrow(/FAULTLINE_TRUST_PROXY/);
  });
});

describe('WebSocket Origin check', () => {
  const req = (origin: string | undefined, host = 'lab.example.com:7300') => ({ headers: { origin, host } }) as unknown as IncomingMessage;
  const plain = testConfig();
  const publicUrl = testConfig({ FAULTLINE_PUBLIC_URL: 'https://lab.example.com' });
  const listed = testConfig({ FAULTLINE_ALLOWED_ORIGINS: 'https://a.example.com, http://b.example.com:8080' });

  it('with nothing configured: the server own http origin and loopback on its port; never another scheme', () => {
    expect(originAllowed(req(undefined), plain)).toBe(true);
    expect(originAllowed(req('http://lab.example.com:7300'), plain)).toBe(true);
    expect(originAllowed(req('https://lab.example.com:7300'), plain)).toBe(false);
    expect(originAllowed(req('ftp://lab.example.com:7300'), plain)).toBe(false);
    expect(originAllowed(req('http://localhost:7300', '127.0.0.1:7300'), plain)).toBe(true);
    expect(originAllowed(req('http://localhost:7301', '127.0.0.1:7300'), plain)).toBe(false);
    expect(originAllowed(req('http://evil.example:7300'), plain)).toBe(false);
  });

  it('with FAULTLINE_PUBLIC_URL or FAULTLINE_ALLOWED_ORIGINS: exactly those, whatever the Host header says', () => {
    expect(originAllowed(req('https://lab.example.com'), publicUrl)).toBe(true);
    expect(originAllowed(req('http://lab.example.com'), publicUrl)).toBe(false);
    expect(originAllowed(req('http://evil.example', 'evil.example'), publicUrl)).toBe(false);
    expect(originAllowed(req('https://lab.example.com:8443'), publicUrl)).toBe(false);
    expect(originAllowed(req('https://a.example.com'), listed)).toBe(true);
    expect(originAllowed(req('http://b.example.com:8080'), listed)).toBe(true);
    expect(originAllowed(req('http://a.example.com'), listed)).toBe(false);
    expect(originAllowed(req('http://b.example.com:8080', 'b.example.com:8080'), listed)).toBe(true);
    expect(originAllowed(req('http://c.example.com', 'c.example.com'), listed)).toBe(false);
  });
});
