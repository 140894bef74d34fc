import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingPath } from '../server/src/terminal/index.js';
import { INTERVIEWER_KEY, startTestServer, waitReady, type TestServer } from './server-helpers.js';
import { TermClient } from './terminal-client.js';

const PROMPT = /# $/;

/** One interview session shared by the tests below; each test leaves the shell at a prompt. */
describe('terminal WebSocket gateway', () => {
  let t: TestServer;
  let id: string;
  let tokens: { candidate: string; interviewer: string; viewer: string };
  let candidate: TermClient;
  const opened: TermClient[] = [];

  const connect = async (token: string, opts: Parameters<typeof TermClient.connect>[3] = {}) => {
    const client = await TermClient.connect(t.url, id, token, opts);
    opened.push(client);
    return client;
  };

  /** Type a command and wait for a line only its output contains. */
  const run = async (client: TermClient, command: string, expected: RegExp) => {
    client.type(`${command}\r`);
    await client.untilOutput(expected);
  };

  /**
   * Ask `stty size` until the shell reports this size (the engine applies a resize in its own
   * time), one command at a time: asking on every message that arrives would queue hundreds of
   * commands under load, and the next test's command would wait behind them.
   */
  const untilSize = async (client: TermClient, rows: number, cols: number) => {
    const answer = new RegExp(`\\r${rows} ${cols}\\r\\n`);
    let askedAt = -1;
    await client.until(
      `stty size ${rows} ${cols}`,
      () => {
        const since = askedAt < 0 ? '' : client.output.slice(askedAt);
        if (answer.test(since)) return true;
        if (askedAt < 0 || /\r\d+ \d+\r\n[^]*# $/.test(since)) {
          askedAt = client.output.length;
          client.type('stty size\r');
        }
        return false;
      },
      30_000,
    );
    await client.untilOutput(PROMPT);
  };

  beforeAll(async () => {
    // Periodic check rounds far apart, so a round seen here was asked for or followed a command.
    t = await startTestServer({ FAULTLINE_WATCHER_MAX_LAG_KB: '256', FAULTLINE_CHECK_INTERVAL_MS: '600000' });
    const res = await t.api<{ session: { id: string }; tokens: typeof tokens }>('POST', '/api/sessions', {
      token: INTERVIEWER_KEY,
      body: { scenarioId: 'dns-stale-record', mode: 'interview' },
    });
    id = res.body.session.id;
    tokens = res.body.tokens;
    await waitReady(t, id, tokens.candidate);
    candidate = await connect(tokens.candidate);
    await candidate.untilOutput(PROMPT);
  });

  afterAll(async () => {
    for (const c of opened) c.ws.terminate();
    if (id) await t.api('POST', `/api/sessions/${id}/end`, { token: tokens.interviewer });
    await t.server.close();
  });

  it('greets with hello, status and a snapshot, and typing a command shows its output', async () => {
    expect(candidate.messages.slice(0, 3).map((m) => m.type)).toEqual(['hello', 'status', 'snapshot']);
    expect(candidate.messages[0]).toMatchObject({ role: 'candidate' });
    expect(candidate.ws.protocol).toBe('faultline.v1');
    await run(candidate, 'echo typed-$((6*7))', /typed-42/);
  });

  it('two watchers see the same screen, live and in their snapshots; their input is ignored', async () => {
    const interviewer = await connect(tokens.interviewer);
    const viewer = await connect(tokens.viewer);
    for (const w of [interviewer, viewer]) {
      await w.message('snapshot');
      expect(w.snapshot).toContain('typed-42');
      expect(w.messages[0]?.role).toBe(w === viewer ? 'viewer' : 'interviewer');
    }
    await run(candidate, 'echo same-$((40+2))', /same-42/);
    await interviewer.untilOutput(/same-42/);
    await viewer.untilOutput(/same-42/);
    viewer.type('echo watcher-typed\r');
    interviewer.type('echo interviewer-typed\r');
    viewer.control({ type: 'resize', cols: 20, rows: 5 });
    await run(candidate, 'echo after-$((1+1))', /after-2/);
    await viewer.untilOutput(/after-2/);
    expect(candidate.output).not.toMatch(/watcher-typed|interviewer-typed/);
    await run(candidate, 'stty size', /\r24 80\r\n/);
    interviewer.ws.close();
    viewer.ws.close();
  });

  it('a reconnect shows the previous screen at once and reaches the same shell', async () => {
    await run(candidate, 'echo PID=$$', /PID=(\d+)/);
    const pid = /PID=(\d+)/.exec(candidate.output)?.[1];
    await candidate.close();
    candidate = await connect(tokens.candidate);
    await candidate.message('snapshot');
    expect(candidate.snapshot).toContain(`PID=${pid}`);
    candidate.type('echo PID2=$$\r');
    await candidate.untilOutput(/PID2=(\d+)/);
    expect(/PID2=(\d+)/.exec(candidate.output)?.[1]).toBe(pid);
  });

  it('resize from the candidate changes stty size and is passed to watchers', async () => {
    const viewer = await connect(tokens.viewer);
    await viewer.message('snapshot');
    candidate.control({ type: 'resize', cols: 100, rows: 30 });
    await viewer.message('resize', (m) => m.cols === 100 && m.rows === 30);
    await untilSize(candidate, 30, 100);
    viewer.ws.close();
  });

  it('a yes flood is paced by acknowledgements, Ctrl-C returns the prompt, and a slow watcher is dropped', async () => {
    const slow = await connect(tokens.viewer, { ack: false });
    await slow.message('snapshot');
    const start = candidate.bytes;
    candidate.type('yes flood-line\r');
    await candidate.until('a megabyte of flood', () => candidate.bytes - start > 1024 * 1024, 30_000);
    const closed = await slow.closed;
    expect(closed.code).toBe(4000);
    candidate.type('\x03');
    await run(candidate, 'echo flood-done-$((3*3))', /flood-done-9/);
    await candidate.untilOutput(PROMPT);
  });

  it('malformed control frames get an error and the socket stays usable', async () => {
    candidate.ws.send('this is not json');
    const error = await candidate.message('error');
    expect(error.code).toBe('bad_request');
    candidate.control({ type: 'resize', cols: 'wide' });
    await candidate.until('a second error', () => candidate.messages.filter((m) => m.type === 'error').length >= 2);
    await run(candidate, 'echo still-usable', /\rstill-usable\r\n/);
  });

  it('an oversized frame closes only that socket (1009)', async () => {
    const extra = await connect(tokens.candidate);
    await extra.message('snapshot');
    extra.ws.send(Buffer.alloc(65 * 1024, 0x61), { binary: true });
    expect((await extra.closed).code).toBe(1009);
    await run(candidate, 'echo survived-oversize', /\rsurvived-oversize\r\n/);
  });

  it('refuses a wrong token, a wrong origin and a missing subprotocol before the upgrade', async () => {
    await expect(TermClient.connect(t.url, id, 'not-a-token-not-a-token')).rejects.toMatchObject({ status: 401 });
    await expect(TermClient.connect(t.url, 'nosuchsession', tokens.candidate)).rejects.toMatchObject({ status: 404 });
    await expect(TermClient.connect(t.url, id, tokens.candidate, { origin: 'https://evil.example' })).rejects.toMatchObject({ status: 403 });
    await expect(TermClient.connect(t.url, id, tokens.candidate, { protocols: [`faultline.token.${tokens.candidate}`] })).rejects.toMatchObject({
      status: 400,
    });
    const sameOrigin = await connect(tokens.viewer, { origin: t.url });
    await sameOrigin.message('hello');
    const localhost = await connect(tokens.viewer, { origin: t.url.replace('127.0.0.1', 'localhost') });
    await localhost.message('hello');
    sameOrigin.ws.close();
    localhost.ws.close();
  });

  it('pushes live check results and timeline events to sockets', async () => {
    const interviewer = await connect(tokens.interviewer);
    await interviewer.message('snapshot');
    await t.api('POST', `/api/sessions/${id}/checks`, { token: tokens.candidate });
    const checks = await interviewer.message('checks');
    expect(Array.isArray(checks.checks)).toBe(true);
    await t.api('POST', `/api/sessions/${id}/notes`, { token: tokens.interviewer, body: { text: 'secret note text' } });
    await interviewer.message('event', (m) => (m.event as { type: string }).type === 'note');
    await t.api('POST', `/api/sessions/${id}/hints`, { token: tokens.interviewer });
    await candidate.message('event', (m) => (m.event as { type: string }).type === 'hint');
    expect(JSON.stringify(candidate.messages)).not.toContain('secret note text');
    interviewer.ws.close();
  });

  it('a command line submitted at the prompt brings a check round about a second later', async () => {
    const rounds = () => candidate.messages.filter((m) => m.type === 'checks').length;
    const before = rounds();
    candidate.type('echo not-yet-submitted');
    await candidate.untilOutput(/not-yet-submitted/);
    candidate.type('\u0015'); // Ctrl-U: typing without Enter runs nothing
    await run(candidate, 'echo submitted-$((2+3))', /submitted-5/);
    await candidate.until('a check round after the command', () => rounds() > before, 15_000);
    expect(rounds()).toBe(before + 1);
  });

  it('the candidate link open in two tabs: the newer one drives, the other is told and neither types nor sizes the shell; "Use here" takes it back', async () => {
    const lastTab = (c: TermClient) => c.messages.filter((m) => m.type === 'tab').at(-1)?.active;
    const claiming = ['faultline.v1', `faultline.token.${tokens.candidate}`, 'faultline.claim'];
    await candidate.until('the only tab is told it drives', () => lastTab(candidate) === true);
    const second = await connect(tokens.candidate, { protocols: claiming });
    await second.until('the newly opened tab drives', () => lastTab(second) === true);
    await candidate.until('the first tab is told another one drives', () => lastTab(candidate) === false);

    // The watching tab's keystrokes and size no longer reach the shell; it is sent the driving tab's size.
    candidate.type('echo typed-in-the-watching-tab\r');
    candidate.control({ type: 'resize', cols: 40, rows: 12 });
    second.control({ type: 'resize', cols: 90, rows: 28 });
    await candidate.message('resize', (m) => m.cols === 90 && m.rows === 28);
    await untilSize(second, 28, 90);
    expect(second.output).not.toMatch(/typed-in-the-watching-tab/);

    // "Use here": the first tab takes the shell back.
    candidate.control({ type: 'claim' });
    await candidate.until('the first tab drives again', () => lastTab(candidate) === true);
    await second.until('the second tab is told', () => lastTab(second) === false);
    await run(candidate, 'echo back-in-the-first-$((2*3))', /back-in-the-first-6/);

    // A tab that connects without claiming (one that was watching, reconnecting) watches; when the
    // driving tab goes, the most recently connected other tab takes over.
    const third = await connect(tokens.candidate);
    await third.until('a tab connecting without claiming watches', () => lastTab(third) === false);
    second.control({ type: 'claim' });
    await second.until('the second tab drives', () => lastTab(second) === true);
    await second.close();
    await third.until('the most recent tab takes over when the driving one closes', () => lastTab(third) === true);
    expect(lastTab(candidate)).toBe(false);
    await third.close();
    await candidate.until('the last tab left drives', () => lastTab(candidate) === true);
    await run(candidate, 'echo only-tab-$((3*3))', /only-tab-9/);
  });

  it('records the terminal as asciicast v2 with input, output, resize and markers', async () => {
    const file = recordingPath(t.config.dataDir, id);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const header = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(header).toMatchObject({ version: 2, width: 80, height: 24 });
    const events = lines.slice(1).map((l) => JSON.parse(l) as [number, string, string]);
    const kinds = new Set(events.map((e) => e[1]));
    expect([...kinds].sort()).toEqual(['i', 'm', 'o', 'r']);
    expect(events.some((e) => e[1] === 'r' && e[2] === '100x30')).toBe(true);
    expect(events.filter((e) => e[1] === 'm').map((e) => e[2])).toEqual(expect.arrayContaining(['note', 'hint 1']));
    expect(JSON.stringify(events)).not.toContain('secret note text');
    const times = events.map((e) => e[0]);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const download = await t.api<string>('GET', `/api/sessions/${id}/recording`, { token: tokens.viewer });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/application\/x-asciicast/);
  });

  it('reset rebuilds the environment with the same seed: sockets stay, a fresh snapshot and a new shell follow', async () => {
    const view = async () => (await t.api<{ session: Record<string, unknown> }>('GET', `/api/sessions/${id}`, { token: tokens.interviewer })).body.session;
    const seed = (await view()).seed;
    const viewer = await connect(tokens.viewer);
    await viewer.message('snapshot');
    const snapshotsBefore = viewer.messages.filter((m) => m.type === 'snapshot').length;
    const reset = await t.api<{ session: { state: string } }>('POST', `/api/sessions/${id}/reset`, { token: tokens.interviewer });
    expect(reset.status).toBe(202);
    expect(reset.body.session.state).toBe('starting');
    await viewer.message('status', (m) => m.state === 'starting');
    const lastStatus = () => viewer.messages.filter((m) => m.type === 'status').at(-1)?.state;
    await viewer.until('ready again', () => lastStatus() === 'ready', 90_000);
    await viewer.until('a fresh snapshot', () => viewer.messages.filter((m) => m.type === 'snapshot').length > snapshotsBefore);
    const after = await view();
    expect(after.seed).toBe(seed);
    expect(after.state).toBe('ready');
    const mark = candidate.output.length;
    await candidate.until('a new prompt', () => /# $/.test(candidate.output.slice(mark)), 30_000);
    await run(candidate, 'echo after-reset-$((5*5))', /after-reset-25/);
    await viewer.untilOutput(/after-reset-25/);
    viewer.ws.close();
  });

  it('ending the session closes every socket with 1008', async () => {
    const viewer = await connect(tokens.viewer);
    await viewer.message('snapshot');
    await t.api('POST', `/api/sessions/${id}/end`, { token: tokens.interviewer });
    expect((await viewer.closed).code).toBe(1008);
    expect((await candidate.closed).code).toBe(1008);
    const late = await connect(tokens.candidate);
    expect((await late.closed).code).toBe(1008);
    expect(late.messages[0]).toMatchObject({ type: 'status', state: 'ended' });
  });
});
