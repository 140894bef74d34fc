import fs from 'node:fs';
import path from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../server-helpers.js';
import { acceptNotice, INTERVIEWER_KEY, newPage, screenText, shot, startHarness, typeLine, waitForScreen, type Harness } from './harness.js';

// Browser tests against the real server and real containers: what a candidate, an interviewer
// and someone practising alone actually do, through Chromium.

const SCENARIO = 'dns-stale-record';
const SECRET_NOTE = 'private-note-candidate-must-not-see-7f3a';
const DOCS_SCREENSHOTS = path.resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const PROMPT = (host: string) => new RegExp(`root@${host}[^\\n]*[#$]`);

/** The reference fix, typed on ns: point the stale A record at web's address, bump the serial, reload. */
const FIX_ON_NS = [
  'Z=$(echo /etc/bind/zones/db.*)',
  `W=$(awk '$1=="web" && $3=="A" {print $4}' $Z)`,
  `S=$(awk '$2=="IN" && $3=="A" && $1!="ns" && $1!="web" && $1!="ws" {print $1}' $Z)`,
  'sed -i -E "s/^($S[[:space:]]+IN[[:space:]]+A[[:space:]]+).*/\\1$W/; s/2024010101/2024010102/" $Z',
  'named-checkzone ${Z#*db.} $Z && rndc reload && echo FIXED-$S',
].join('; ');

function linkParts(url: string): { id: string; token: string } {
  const u = new URL(url);
  return { id: u.pathname.split('/')[2] ?? '', token: u.hash.slice(1) };
}

async function openShell(page: Page): Promise<void> {
  await waitForScreen(page, PROMPT('ws'), 150_000);
}

/** The session's clock as the page shows it ("19:58"), in seconds. */
function clockSeconds(text: string): number {
  const [m = 'NaN', s = 'NaN'] = text.trim().split(':');
  return Number(m) * 60 + Number(s);
}

/** Whether an element starts at the top of its scrolling sidebar: it was scrolled to, not merely somewhere in view. */
function atTop(el: Element): boolean {
  const box = el.closest('.sidebar')?.getBoundingClientRect() ?? { top: 0 };
  return Math.abs(el.getBoundingClientRect().top - box.top) < 60;
}

/** Whether the top of an element is inside the part of its scrolling sidebar (or the window) that shows. */
function inView(el: Element): boolean {
  const r = el.getBoundingClientRect();
  const box = el.closest('.sidebar')?.getBoundingClientRect() ?? { top: 0, bottom: window.innerHeight };
  return r.top >= box.top - 1 && r.top < box.bottom - 20;
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe.sequential('practice', () => {
  let page: Page;
  let id = '';
  let token = '';
  // The terminal socket passes through Playwright so a test can cut it like a flaky network would.
  const sockets: WebSocketRoute[] = [];
  let connectDelayMs = 0;

  it('the catalogue lists the scenario and starts a practice session', async () => {
    page = await newPage(h);
    await page.routeWebSocket(/\/terminal$/, async (ws) => {
      sockets.push(ws);
      if (connectDelayMs) await new Promise((r) => setTimeout(r, connectDelayMs));
      ws.connectToServer();
    });
    await page.goto('/');
    const card = page.locator(`[data-scenario=${SCENARIO}]`);
    await card.waitFor();
    await page.getByRole('searchbox', { name: 'Search scenarios' }).fill('migration');
    await expect.poll(() => card.isVisible()).toBe(true);
    await page.getByRole('searchbox', { name: 'Search scenarios' }).fill('');
    await shot(page, 'catalogue');
    await card.getByRole('button', { name: /^Practice/ }).click();
    await page.waitForURL(/\/s\/[^/]+#.+/);
    ({ id, token } = linkParts(page.url()));
    h.track(id, token);
    await page.getByRole('heading', { name: 'Brief' }).waitFor();
    // Every value the clock shows from here on.
    await page.evaluate(() => {
      const el = document.querySelector('[role=timer][aria-label="Time left"] .stat-value');
      const seen = [el?.textContent ?? ''];
      (window as unknown as { clockSeen: string[] }).clockSeen = seen;
      if (el) new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { characterData: true, childList: true, subtree: true });
    });
    await shot(page, 'practice-starting');
  });

  it('while the environment is built, Give up waits and says why, and the clock stands at the limit; then it counts down without a jump', async () => {
    await page.getByText('Building your environment').waitFor();
    const giveUp = page.getByRole('button', { name: 'Give up' });
    expect(await giveUp.isDisabled()).toBe(true);
    expect(await giveUp.getAttribute('title')).toBe('Available once your environment is ready');
    expect(await page.getByText('Building your environment').isVisible(), 'still building when Give up was looked at').toBe(true);
    await openShell(page);
    await page.waitForTimeout(2500);
    const seen = (await page.evaluate(() => (window as unknown as { clockSeen: string[] }).clockSeen)).map(clockSeconds);
    // 20 minutes until the candidate can type, then down from there: never up.
    expect(seen[0]).toBe(20 * 60);
    for (let i = 1; i < seen.length; i++) expect(seen[i], `the clock went ${JSON.stringify(seen)}`).toBeLessThanOrEqual(seen[i - 1] as number);
    expect(seen.at(-1)).toBeLessThan(20 * 60);
    expect(await giveUp.isDisabled()).toBe(false);
  });

  it('shows start-up progress, then a prompt that echoes what is typed', async () => {
    await openShell(page);
    await typeLine(page, 'echo faultline-$((6*7))');
    await waitForScreen(page, /faultline-42/);
    await expect.poll(() => page.locator('[data-check][data-passed=false]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  });

  it('a dropped connection shows "reconnecting", then resumes with the same screen', async () => {
    connectDelayMs = 2000;
    await sockets.at(-1)?.close({ code: 4001, reason: 'network blip' });
    await page.getByText('Connection lost').waitFor({ timeout: 5000 });
    await shot(page, 'practice-reconnecting');
    await page.getByText('Connection lost').waitFor({ state: 'hidden', timeout: 30_000 });
    connectDelayMs = 0;
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    // The banner hides on the server's hello; the snapshot that redraws the screen follows it.
    await waitForScreen(page, /faultline-42/, 10_000);
    await typeLine(page, 'echo after-$((1+1))-reconnect');
    await waitForScreen(page, /after-2-reconnect/);
  });

  it('reveals hints one at a time', async () => {
    await page.getByRole('button', { name: 'Show a hint' }).click();
    await page.locator('ol.hints li[data-hint="0"]').waitFor();
    expect(await page.locator('ol.hints li').count()).toBe(1);
  });

  it('fixing the zone by typing in the terminal turns the checks green and shows the solved moment', async () => {
    await typeLine(page, 'ssh ns');
    const screen = await waitForScreen(page, new RegExp(`${PROMPT('ns').source}|Permission denied`), 30_000);
    // Lab hosts trust one key baked into the images; hosts built from different image builds do not.
    if (/Permission denied/.test(screen)) throw new Error('`ssh ns` from ws was refused: the lab images carry different SSH keys (rebuild them together)');
    await typeLine(page, FIX_ON_NS);
    await waitForScreen(page, /FIXED-\w+/, 30_000);
    await typeLine(page, 'exit');
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByTestId('solved').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-check][data-passed=false]').count()).toBe(0);
    expect(await page.getByTestId('solved').innerText()).toMatch(/Solved in \d+:\d\d/);
    // The write-up appears and is scrolled to; the picture for the README shows the sidebar from its top.
    const solution = page.getByRole('region', { name: 'Solution' });
    await solution.waitFor({ timeout: 15_000 });
    await expect.poll(() => solution.evaluate(inView)).toBe(true);
    await page.locator('.sidebar').evaluate((el) => el.scrollTo({ top: 0 }));
    await expect.poll(() => solution.evaluate(inView)).toBe(false);
    const file = await shot(page, 'practice-solved');
    fs.mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS_SCREENSHOTS, 'candidate.png'));
  });

  it('after the solve the write-up is one click away, and Give up says it is not needed', async () => {
    const solution = page.getByRole('region', { name: 'Solution' });
    expect(await solution.innerText()).toMatch(/You solved it/);
    await page.getByRole('button', { name: 'Read the write-up' }).click();
    await expect.poll(() => solution.evaluate(inView)).toBe(true);
    await expect.poll(() => solution.evaluate((el) => el === document.activeElement)).toBe(true);
    const giveUp = page.getByRole('button', { name: 'Give up' });
    expect(await giveUp.isDisabled()).toBe(true);
    expect(await giveUp.getAttribute('title')).toMatch(/^You solved it/);
    await shot(page, 'practice-solution');
  });

  it('Give up brings the solution into view and focus; the ended page keeps it', async () => {
    const created = await api<{ session: { id: string }; tokens: { candidate: string } }>(h.url, 'POST', '/api/sessions', { body: { scenarioId: SCENARIO, mode: 'practice' } });
    expect(created.status).toBe(201);
    const other = { id: created.body.session.id, token: created.body.tokens.candidate };
    h.track(other.id, other.token);
    const tab = await page.context().newPage();
    // A sidebar longer than the window (every hint shown, a short window): the solution starts below the fold.
    await tab.setViewportSize({ width: 1280, height: 560 });
    await tab.goto(`/s/${other.id}#${other.token}`);
    await openShell(tab);
    await tab.getByRole('button', { name: 'Show a hint' }).click();
    for (const n of [1, 2]) {
      await tab.locator(`ol.hints li[data-hint="${n - 1}"]`).waitFor();
      await tab.getByRole('button', { name: 'Next hint' }).click();
    }
    await tab.locator('ol.hints li[data-hint="2"]').waitFor();
    const giveUp = tab.getByRole('button', { name: 'Give up' });
    await expect.poll(() => giveUp.isDisabled()).toBe(false);
    await giveUp.click();
    await tab.getByRole('dialog').getByRole('button', { name: 'Show solution' }).click();
    const solution = tab.getByRole('region', { name: 'Solution' });
    await solution.waitFor();
    await expect.poll(() => solution.evaluate(atTop)).toBe(true);
    await expect.poll(() => solution.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await giveUp.getAttribute('title')).toBe('The solution is shown in the sidebar');
    await shot(tab, 'practice-gave-up');
    await tab.getByRole('button', { name: 'End session' }).click();
    await tab.getByRole('dialog').getByRole('button', { name: 'End session' }).click();
    await tab.getByRole('heading', { name: 'This session has ended' }).waitFor({ timeout: 30_000 });
    await tab.getByRole('region', { name: 'Solution' }).waitFor();
    await tab.close();
  });

  it('remembers the solve in this browser and shows it in the catalogue', async () => {
    const progress = await page.evaluate(() => JSON.parse(localStorage.getItem('faultline.progress.v1') ?? '{}') as Record<string, unknown>);
    expect(Object.keys(progress)).toContain(SCENARIO);
    await page.goto('/');
    await page.locator(`[data-scenario=${SCENARIO}] .badge.solved`).waitFor();
  });

  it('the practice replay plays and jumps to the solved marker', async () => {
    await page.goto(`/r/${id}#${token}`);
    const solved = page.locator('[data-marker=solved]');
    await solved.waitFor();
    await solved.click();
    const at = (await solved.locator('.mono').innerText()).trim();
    await expect.poll(() => page.getByTestId('position').innerText()).toContain(`${at} /`);
    await expect.poll(() => screenText(page, '[data-testid=replay-terminal]')).toMatch(/FIXED-\w+/);
    await shot(page, 'practice-replay');
    await page.context().close();
  });
});

describe.sequential('interview', () => {
  let interviewer: Page;
  let candidate: Page;
  let links: { candidate: string; interviewer: string; viewer: string };
  let id = '';
  let itoken = '';
  const candidateTraffic: string[] = [];

  it('the interviewer creates an interview with the key and gets three links', async () => {
    interviewer = await newPage(h);
    await interviewer.goto('/');
    await interviewer.locator(`[data-scenario=${SCENARIO}]`).getByRole('button', { name: /^Create interview/ }).click();
    await interviewer.getByLabel('Interviewer key').fill(INTERVIEWER_KEY);
    await interviewer.getByLabel(/Candidate name/).fill('Ada Lovelace');
    await interviewer.getByRole('button', { name: 'Create interview', exact: true }).click();
    await interviewer.getByRole('textbox', { name: /^Candidate link/ }).waitFor();
    links = {
      candidate: await interviewer.getByRole('textbox', { name: /^Candidate link/ }).inputValue(),
      interviewer: await interviewer.getByRole('textbox', { name: /^Interviewer link/ }).inputValue(),
      viewer: await interviewer.getByRole('textbox', { name: /^Viewer link/ }).inputValue(),
    };
    ({ id, token: itoken } = linkParts(links.interviewer));
    h.track(id, itoken);
    expect(links.candidate).toMatch(/\/s\/[^/]+#.+/);
    expect(links.viewer).toMatch(/\/s\/[^/]+#.+/);
    await shot(interviewer, 'interview-links');
    expect(await interviewer.evaluate(() => localStorage.getItem('faultline.interviewerKey'))).toBe(INTERVIEWER_KEY);
  });

  it('while the environment is built the console shows nothing unrendered: no template placeholders, no "Reveal hint 0"', async () => {
    const early = await interviewer.context().newPage();
    await early.goto(new URL(links.interviewer).pathname + new URL(links.interviewer).hash);
    await early.getByText('Building your environment').waitFor();
    await early.getByText(/They appear once the environment is ready/).waitFor();
    expect(await early.locator('body').innerText()).not.toMatch(/\{\{|Reveal hint 0/);
    expect(await early.getByRole('button', { name: /^Reveal hint/ }).count()).toBe(0);
    expect(await early.getByText('Building your environment').isVisible(), 'still building when the console was read').toBe(true);
    await early.close();
  });

  it('the interviewer sees the candidate typing live', async () => {
    candidate = await newPage(h);
    // Everything the candidate's browser receives, to prove notes never reach it.
    candidate.on('websocket', (ws) => ws.on('framereceived', (f) => candidateTraffic.push(String(f.payload))));
    candidate.on('response', (res) => {
      if (res.url().includes('/api/')) res.text().then((t) => candidateTraffic.push(t), () => undefined);
    });
    await candidate.goto(new URL(links.candidate).pathname + new URL(links.candidate).hash);
    await interviewer.goto(new URL(links.interviewer).pathname + new URL(links.interviewer).hash);
    await acceptNotice(candidate);
    await openShell(candidate);
    await waitForScreen(interviewer, PROMPT('ws'), 30_000);
    await typeLine(candidate, 'echo typed-by-$((40+2))-candidate');
    await waitForScreen(interviewer, /typed-by-42-candidate/, 15_000);
  });

  it('the candidate link opened in a second tab takes over; the first one says so, and "Use here" takes it back with its own size', async () => {
    const terminalSize = async () => (await api<{ session: { terminal: { cols: number; rows: number } } }>(h.url, 'GET', `/api/sessions/${id}`, { token: itoken })).body.session.terminal;
    const firstSize = await terminalSize();
    const second = await candidate.context().newPage();
    await second.setViewportSize({ width: 900, height: 560 });
    await second.goto(new URL(links.candidate).pathname + new URL(links.candidate).hash);
    // A new tab has its own session storage: it asks again.
    await acceptNotice(second);
    await openShell(second);
    const elsewhere = (p: Page) => p.getByRole('heading', { name: 'This session is open in another tab' });
    await elsewhere(candidate).waitFor({ timeout: 15_000 });
    expect(await elsewhere(second).count()).toBe(0);
    await typeLine(second, 'echo from-the-second-tab-$((5*5))');
    await waitForScreen(interviewer, /from-the-second-tab-25/, 15_000);
    await expect.poll(terminalSize, { timeout: 15_000 }).not.toEqual(firstSize);
    await shot(candidate, 'candidate-other-tab');

    await candidate.getByRole('button', { name: 'Use here' }).click();
    await elsewhere(second).waitFor({ timeout: 15_000 });
    await elsewhere(candidate).waitFor({ state: 'hidden' });
    await expect.poll(terminalSize, { timeout: 15_000 }).toEqual(firstSize);
    // Only the tab in use decides the size: the other one changing its window does not.
    await second.setViewportSize({ width: 800, height: 480 });
    await second.waitForTimeout(1500);
    expect(await terminalSize()).toEqual(firstSize);
    await typeLine(candidate, 'echo back-in-the-first-tab-$((6*6))');
    await waitForScreen(interviewer, /back-in-the-first-tab-36/, 15_000);
    await second.close();
  });

  it('a link corrected in the same tab (only the #token differs) opens the session; the old link\'s socket is closed', async () => {
    const page = await newPage(h);
    const sockets: Array<{ isClosed(): boolean }> = [];
    page.on('websocket', (ws) => sockets.push(ws));
    const viewer = new URL(links.viewer);
    await page.goto(`${viewer.pathname}#not-the-right-token-0123456789`);
    const broken = page.getByRole('heading', { name: 'This link does not work' });
    await broken.waitFor();
    await page.evaluate((hash) => {
      window.location.hash = hash;
    }, viewer.hash);
    await page.getByText('Watching (read-only)').waitFor({ timeout: 15_000 });
    await waitForScreen(page, PROMPT('ws'), 30_000);
    expect(await broken.count()).toBe(0);
    expect(sockets.filter((ws) => !ws.isClosed())).toHaveLength(1);
    await page.evaluate(() => {
      window.location.hash = 'wrong-again-0123456789';
    });
    await broken.waitFor();
    await expect.poll(() => sockets.every((ws) => ws.isClosed())).toBe(true);
    await page.context().close();
  });

  it('a hint the interviewer reveals appears for the candidate', async () => {
    await interviewer.getByRole('button', { name: 'Reveal hint 1' }).click();
    await candidate.locator('ol.hints li[data-hint="0"]').waitFor({ timeout: 15_000 });
    await interviewer.locator('ol.hints li.revealed').first().waitFor();
  });

  it('notes and the score are saved, and notes never reach the candidate', async () => {
    await interviewer.getByRole('tab', { name: 'Notes & score' }).click();
    await interviewer.getByLabel('New note').fill(SECRET_NOTE);
    await interviewer.getByLabel('New note').press('Enter');
    await interviewer.getByTestId('notes').getByText(SECRET_NOTE).waitFor();
    await interviewer.locator('label.seg-pass').click();
    await interviewer.getByLabel('Method: 4 of 5').check({ force: true });
    await interviewer.getByLabel('Networking knowledge: 5 of 5').check({ force: true });
    await interviewer.getByLabel('Communication: 3 of 5').check({ force: true });
    await interviewer.getByLabel('Summary').fill('Separated resolution from reachability quickly.');
    await interviewer.getByRole('button', { name: 'Save score' }).click();
    await interviewer.getByText(/^Saved/).waitFor();
    await interviewer.getByRole('tab', { name: 'Timeline' }).click();
    await interviewer.getByText(`Note: ${SECRET_NOTE}`).waitFor();
    await interviewer.getByRole('tab', { name: 'Hints & escalations' }).click();
    // The checks arrive live in the console too (periodic runs while someone is connected).
    await expect.poll(() => interviewer.locator('[data-check]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const file = await shot(interviewer, 'interviewer-console');
    fs.mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS_SCREENSHOTS, 'interviewer.png'));

    // Give the note event time to be broadcast, then look everywhere on the candidate's side.
    await candidate.waitForTimeout(1500);
    await candidate.reload();
    await openShell(candidate);
    await shot(candidate, 'interview-candidate');
    expect(await candidate.content()).not.toContain(SECRET_NOTE);
    expect(candidateTraffic.length).toBeGreaterThan(0);
    expect(candidateTraffic.join('\n')).not.toContain(SECRET_NOTE);
  });

  it('the time-limit warning is a banner for the candidate and the interviewer, and a line in the console timeline', async () => {
    h.sessions.tick(Date.parse(h.sessions.get(id).expiresAt) - 4 * 60_000);
    const banner = (p: Page) => p.getByRole('alert').filter({ hasText: '4 minutes left' });
    await banner(candidate).waitFor({ timeout: 15_000 });
    expect(await banner(candidate).innerText()).toMatch(/^4 minutes left\. At .+ the session ends and the environment is removed\. Tell your interviewer what you have found so far\.$/);
    await banner(interviewer).waitFor({ timeout: 15_000 });
    await interviewer.getByRole('tab', { name: 'Timeline' }).click();
    await interviewer.getByText('Time-limit warning: 4 minutes left').waitFor();
    await interviewer.getByRole('tab', { name: 'Hints & escalations' }).click();
    await shot(candidate, 'candidate-time-warning');
    // A page opened after the warning shows it too.
    await candidate.reload();
    await banner(candidate).waitFor({ timeout: 15_000 });
    await openShell(candidate);
  });

  it('an escalation after the candidate solved makes their page stop saying solved, and shows them the notice, not the cause', async () => {
    await typeLine(candidate, 'ssh ns');
    await waitForScreen(candidate, PROMPT('ns'), 30_000);
    await typeLine(candidate, FIX_ON_NS);
    await waitForScreen(candidate, /FIXED-\w+/, 30_000);
    await typeLine(candidate, 'exit');
    await candidate.getByTestId('solved').waitFor({ timeout: 60_000 });
    await expect.poll(() => candidate.title()).toMatch(/^✓ /);
    await interviewer.locator('.badge.state-solved').waitFor({ timeout: 15_000 });

    await interviewer.getByRole('button', { name: 'Inject' }).first().click();
    await interviewer.getByRole('dialog').getByRole('button', { name: 'Inject' }).click();
    await candidate.getByTestId('solved').waitFor({ state: 'hidden', timeout: 15_000 });
    await candidate.getByTestId('first-solved').waitFor();
    expect(await candidate.getByTestId('first-solved').innerText()).toMatch(/Solved once at \d+:\d\d/);
    await expect.poll(() => candidate.title()).not.toMatch(/✓/);
    await expect.poll(() => candidate.locator('[data-check][data-passed=false]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await candidate.getByText(/does not open the shop either/).waitFor();
    await interviewer.locator('.badge.state-ready').waitFor({ timeout: 15_000 });
    await interviewer.getByTestId('first-solved').waitFor();
    await shot(candidate, 'candidate-escalated');
    const escalationTitle = 'A second record went stale';
    expect(await candidate.content()).not.toContain(escalationTitle);
    expect(candidateTraffic.join('\n')).not.toContain(escalationTitle);
    expect(candidateTraffic.join('\n')).not.toContain(SCENARIO);
  });

  it('the printable report has the scenario, outcome, hints, notes and score', async () => {
    const report = await interviewer.context().newPage();
    await report.goto(`/i/${id}/report#${itoken}`);
    await report.getByRole('heading', { name: 'Interview report' }).waitFor();
    const text = await report.locator('main').innerText();
    expect(text).toContain('The shop moved');
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain('PASS');
    expect(text).toContain(SECRET_NOTE);
    expect(text).toMatch(/Hints used\s*1 of 3/);
    expect(text).toMatch(/First solved at \d+:\d\d, not solved now · checks 2\/3/);
    expect(await report.getByTestId('solve-story').innerText()).toMatch(/^first solved at \d+:\d\d; escalation at \d+:\d\d$/);
    await shot(report, 'report');
    await report.emulateMedia({ media: 'print' });
    await shot(report, 'report-print');
    await report.close();
  });

  it('ending the interview shows the candidate a clear page', async () => {
    await interviewer.getByRole('button', { name: 'End interview' }).click();
    await interviewer.getByRole('dialog').getByRole('button', { name: 'End interview' }).click();
    await candidate.getByRole('heading', { name: 'This session has ended' }).waitFor({ timeout: 30_000 });
    // Solved once, then the escalation: the ended page keeps that, without calling it solved.
    expect(await candidate.getByTestId('outcome').innerText()).toMatch(/^First solved at \d+:\d\d, not solved when the session ended\.$/);
    await shot(candidate, 'candidate-ended');
    await interviewer.getByRole('link', { name: 'Open the report' }).waitFor({ timeout: 15_000 });
  });

  it('the replay plays and jumps to a marker', async () => {
    await interviewer.goto(`/r/${id}#${itoken}`);
    const hint = interviewer.locator('[data-marker="hint 1"]');
    await hint.waitFor();
    await interviewer.getByTestId('play').click();
    await expect.poll(() => interviewer.getByTestId('position').innerText(), { timeout: 10_000 }).not.toMatch(/^0:00 \//);
    await interviewer.getByTestId('play').click();
    await hint.click();
    const at = (await hint.locator('.mono').innerText()).trim();
    await expect.poll(() => interviewer.getByTestId('position').innerText()).toContain(`${at} /`);
    await expect.poll(() => screenText(interviewer, '[data-testid=replay-terminal]')).toMatch(/typed-by-42-candidate/);
    await shot(interviewer, 'replay');
    await interviewer.context().close();
    await candidate.context().close();
  });
});

describe.sequential('pages', () => {
  it('a page nobody serves is the app\'s own not-found page, with status 404; the API keeps answering JSON', async () => {
    const page = await newPage(h);
    for (const path of ['/no/such/page', '/s/abc/extra']) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(404);
      await page.getByRole('heading', { name: 'There is no page here' }).waitFor();
      await page.getByRole('link', { name: 'Go to the scenarios' }).waitFor();
    }
    const apiAnswer = await page.evaluate(async () => {
      const res = await fetch('/api/no-such-route');
      return { status: res.status, body: (await res.json()) as { error?: { code?: string } } };
    });
    expect(apiAnswer).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    await page.context().close();
  });

  it('the catalogue search matches every word (title, summary, category, difficulty); filters live in the address and come back on reload and Back', async () => {
    const page = await newPage(h);
    await page.goto('/');
    const card = page.locator(`[data-scenario=${SCENARIO}]`);
    await card.waitFor();
    const search = page.getByRole('searchbox', { name: 'Search scenarios' });
    // Words that are not next to each other, and the difficulty, which is no word of the text.
    await search.fill('migration server');
    await expect.poll(() => card.isVisible()).toBe(true);
    await search.fill('easy dns migration');
    await expect.poll(() => card.isVisible()).toBe(true);
    await search.fill('hard migration');
    await expect.poll(() => card.count()).toBe(0);
    await search.fill('shop migration');
    await page.getByRole('radio', { name: 'DNS' }).click();
    await page.getByLabel('Difficulty').selectOption('easy');
    await expect.poll(() => new URL(page.url()).search).toBe('?q=shop+migration&category=dns&difficulty=easy');
    await page.reload();
    await card.waitFor();
    expect(await search.inputValue()).toBe('shop migration');
    expect(await page.getByRole('radio', { name: 'DNS' }).getAttribute('aria-checked')).toBe('true');
    expect(await page.getByLabel('Difficulty').inputValue()).toBe('easy');
    await page.goto('/no/such/page');
    await page.goBack();
    await card.waitFor();
    expect(await search.inputValue()).toBe('shop migration');
    await page.context().close();
  });
});
