import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../server-helpers.js';
import { expectAccessible } from './axe.js';
import { acceptNotice, INTERVIEWER_KEY, newPage, shot, startHarness, typeLine, waitForScreen, type Harness } from './harness.js';
import { firstStaff, signIn, submitSignIn } from './staff.js';

// The hiring flow through Chromium against the real server: book a two-part interview on the
// dashboard, meet the candidate in the lobby, start, run both parts, and read the report; and the
// candidate's pages before the window and after a withdrawal.

/** The README's picture of the dashboard is the one taken here. */
const DOCS_SCREENSHOTS = path.resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');

const FIRST = 'tcp-loopback-bind';
const SECOND = 'dns-stale-record';
const SHELL = /root@\w+[^\n]*[#$]/;
/** Part one's reference fix, typed by the candidate: the app listens on every address again. */
const FIX = [`jq '.bind = "0.0.0.0"' /etc/app/app.json > /tmp/app.json && mv /tmp/app.json /etc/app/app.json`, 'svc restart'];

/** A datetime-local value on the UTC wall clock, at a moment. */
function utcLocal(at: number): string {
  return new Date(at).toISOString().slice(0, 16);
}

function linkParts(url: string): { id: string; token: string; path: string } {
  const u = new URL(url);
  return { id: u.pathname.split('/')[2] ?? '', token: decodeURIComponent(u.hash.slice(1)), path: u.pathname + u.hash };
}

let h: Harness;
/** The dashboard is behind sign-in: one staff account, made before any page is opened. */
let staff: { email: string; password: string };

beforeAll(async () => {
  // The lobby opens at the window (not 10 minutes before), and Start comes from a warm pool.
  h = await startHarness({ FAULTLINE_LOBBY_OPENS_EARLY_MINUTES: '0', FAULTLINE_POOL_SIZE: '1' });
  staff = await firstStaff(h.url, { email: 'grace@example.test', name: 'Grace Interviewer' });
});

afterAll(async () => {
  await h?.close();
});

describe.sequential('a booked two-part interview', () => {
  let dashboard: Page;
  let candidate: Page;
  let console_: Page;
  let candidateLink = '';
  let interviewerLink = '';
  let opensAt = 0;

  it('the dashboard asks to sign in, then books the interview and lists it', async () => {
    dashboard = await newPage(h);
    await dashboard.goto('/');
    await dashboard.getByRole('link', { name: 'Interviews dashboard' }).click();
    await dashboard.waitForURL((url) => url.pathname === '/login');
    await submitSignIn(dashboard, staff.email, staff.password);
    await dashboard.getByTestId('no-interviews').waitFor();

    await dashboard.getByRole('button', { name: 'Schedule interview…' }).click();
    await dashboard.getByLabel('Candidate name').fill('Ada Candidate');
    await dashboard.getByLabel('Interviewer name').fill('Grace Interviewer');
    await dashboard.getByLabel('Time zone').selectOption('UTC');
    // The next whole minute at least 40 s away (datetime-local has minute precision), taken only
    // now: the candidate must still find the link early after the rest of this step under load.
    opensAt = Math.ceil((Date.now() + 40_000) / 60_000) * 60_000;
    await dashboard.getByLabel('Window opens').fill(utcLocal(opensAt));
    await dashboard.getByLabel('Window closes').fill(utcLocal(opensAt + 120 * 60_000));
    await dashboard.getByLabel('Part 1: scenario').selectOption(FIRST);
    await dashboard.getByRole('button', { name: 'Add a part' }).click();
    await dashboard.getByLabel('Part 2: scenario').selectOption(SECOND);
    // A plan saved for the team, then deleted again: the parts stay as they are.
    await dashboard.getByPlaceholder('Plan name').fill('Warm-up, then the main one');
    await dashboard.getByRole('button', { name: 'Save as plan' }).click();
    await dashboard.getByText('Saved as “Warm-up, then the main one”.').waitFor();
    await dashboard.getByRole('button', { name: 'Delete this plan' }).click();
    await dashboard.getByRole('dialog').getByRole('button', { name: 'Delete plan' }).click();
    await dashboard.getByText(/^Deleted “Warm-up, then the main one”/).waitFor();
    expect((await api<{ plans: unknown[] }>(h.url, 'GET', '/api/plans', { token: INTERVIEWER_KEY })).body.plans).toEqual([]);
    // Symptom only is the default for interviews.
    expect(await dashboard.getByLabel('Symptom only').isChecked()).toBe(true);
    await expectAccessible(dashboard, 'the dashboard with the schedule form');
    await dashboard.getByRole('button', { name: 'Schedule interview', exact: true }).click();

    await dashboard.getByTestId('scheduled-links').waitFor();
    candidateLink = await dashboard.getByRole('textbox', { name: /^Candidate link/ }).inputValue();
    interviewerLink = await dashboard.getByRole('textbox', { name: /^Interviewer link/ }).inputValue();
    const { id } = linkParts(candidateLink);
    h.track(id, linkParts(interviewerLink).token);
    const row = dashboard.locator(`tr[data-interview=${id}]`);
    await expect.poll(() => row.getAttribute('data-status')).toBe('scheduled');
    await expect.poll(() => row.innerText()).toContain('Ada Candidate');
    await expectAccessible(dashboard, 'the dashboard with a booked interview');
  });

  it('the candidate link before the window says when it opens, then becomes the lobby: connection check, scratch terminal, waiting', async () => {
    candidate = await newPage(h);
    await candidate.goto(linkParts(candidateLink).path);
    await candidate.getByTestId('invite-early').waitFor();
    expect(await candidate.getByTestId('invite-early').innerText()).toMatch(/UTC/);
    await expectAccessible(candidate, 'the early invite page');
    // Nothing runs for a booked interview.
    expect((await h.sessions.lab.runtime.list()).filter((e) => e.owner === h.sessions.lab.sessionOwner)).toHaveLength(0);
    await new Promise((r) => setTimeout(r, Math.max(0, opensAt - Date.now() + 500)));
    await candidate.reload();
    // The privacy notice comes first: nothing else of the lobby (connection check, scratch terminal) until it is read.
    await candidate.getByRole('button', { name: 'I understand, continue' }).waitFor();
    expect(await candidate.getByTestId('scratch-terminal').count()).toBe(0);
    await expectAccessible(candidate, 'the lobby privacy notice');
    await acceptNotice(candidate);
    await candidate.getByTestId('lobby-waiting').waitFor();
    await expect.poll(() => candidate.getByTestId('lobby-parts').innerText()).toMatch(/2 parts/);
    await candidate.locator('[data-testid=connection-check][data-result=pass]').waitFor();
    // The scratch terminal echoes here only; a pasted line is recognised.
    const line = await candidate.getByRole('textbox', { name: 'Line to paste' }).inputValue();
    await candidate.locator('[data-testid=scratch-terminal] .xterm').click();
    await candidate.evaluate((text) => {
      const area = document.querySelector('[data-testid=scratch-terminal] textarea');
      const data = new DataTransfer();
      data.setData('text/plain', text);
      area?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, line);
    await candidate.locator('[data-testid=paste-check][data-result=pass]').waitFor();
    await expectAccessible(candidate, 'the lobby');
    await shot(candidate, 'hiring-lobby');
  });

  it('the dashboard shows the candidate waiting, and the console their presence', async () => {
    const { id } = linkParts(candidateLink);
    await expect.poll(() => dashboard.locator(`tr[data-interview=${id}]`).getAttribute('data-status')).toBe('waiting');
    console_ = await newPage(h);
    await console_.goto(linkParts(interviewerLink).path);
    await console_.getByTestId('scheduled').waitFor();
    await console_.locator('[data-testid=presence][data-connected=true]').waitFor();
    await expectAccessible(console_, 'the console of a booked interview');
    const file = await shot(dashboard, 'hiring-dashboard');
    fs.mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS_SCREENSHOTS, 'dashboard.png'));
  });

  it('Start hands over an environment from the warm pool: the lobby turns into the terminal, part 1 of 2', async () => {
    // The candidate's arrival asked the pool for the first part's scenario.
    await expect.poll(() => h.sessions.lab.pool?.stats().find((p) => p.scenario === FIRST)?.ready ?? 0, { timeout: 90_000 }).toBeGreaterThan(0);
    await console_.getByRole('button', { name: 'Start the interview' }).click();
    await waitForScreen(candidate, SHELL, 150_000);
    await candidate.getByTestId('part').filter({ hasText: 'Part 1 of 2' }).waitFor();
    await console_.getByTestId('console-part').filter({ hasText: 'Part 1 of 2' }).waitFor();
    const { id, token } = linkParts(interviewerLink);
    const { body } = await api<{ events: Array<{ type: string; data: Record<string, unknown> }> }>(h.url, 'GET', `/api/sessions/${id}/events`, { token });
    expect(body.events.find((e) => e.type === 'ready')?.data.source).toBe('pool');
  });

  it('the candidate sees symptoms only, fixes part one, and the checks turn green', async () => {
    const checks = candidate.locator('li.check');
    await expect.poll(() => checks.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const text = await candidate.locator('ul.checks').innerText();
    expect(text).toMatch(/instead of 502/);
    expect(text).not.toMatch(/to other hosts/);
    await typeLine(candidate, 'ssh app');
    await waitForScreen(candidate, /root@app[^\n]*[#$]/, 30_000);
    for (const line of FIX) await typeLine(candidate, line);
    await expect.poll(() => candidate.locator('li.check[data-passed=false]').count(), { timeout: 60_000 }).toBe(0);
    await console_.locator('.badge.state-solved').waitFor({ timeout: 30_000 });
    await candidate.getByTestId('solved').waitFor();
  });

  it('the console extends the time, hides the checks, and moves on to part 2', async () => {
    await console_.getByRole('group', { name: 'Extend time' }).getByRole('button', { name: '+5 min' }).click();
    await console_.getByText('+5 min so far').waitFor();
    await console_.getByLabel('Candidate sees checks').selectOption('hidden');
    await candidate.getByTestId('checks-hidden').waitFor();
    await expectAccessible(console_, 'the console of a running interview');
    await console_.getByRole('button', { name: /^Next part: / }).click();
    await console_.getByRole('dialog').getByRole('button', { name: 'Start the next part' }).click();
    await console_.getByTestId('console-part').filter({ hasText: 'Part 2 of 2' }).waitFor();
    await candidate.getByTestId('part').filter({ hasText: 'Part 2 of 2' }).waitFor({ timeout: 150_000 });
    await waitForScreen(candidate, /root@ws[^\n]*[#$]/, 150_000);
    await candidate.getByTestId('checks-hidden').waitFor();
  });

  it('the report has a section per part; the dashboard lists both and exports the row', async () => {
    const { id, token } = linkParts(interviewerLink);
    await console_.getByRole('button', { name: 'End interview' }).click();
    await console_.getByRole('dialog').getByRole('button', { name: 'End interview' }).click();
    await console_.goto(`/i/${id}/report#${token}`);
    const parts = console_.getByTestId('parts-report');
    await parts.waitFor();
    await expect.poll(() => parts.innerText()).toMatch(/Part 1:[\s\S]*Part 2:/);
    await expectAccessible(console_, 'the report of a two-part interview');
    await candidate.close();

    const row = dashboard.locator(`tr[data-interview=${id}]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('finished');
    const titles = await row.locator('ol.compact li').allInnerTexts();
    expect(titles).toHaveLength(2);
    const [download] = await Promise.all([dashboard.waitForEvent('download'), dashboard.getByRole('button', { name: 'Export CSV' }).click()]);
    const file = await download.path();
    const csv = fs.readFileSync(file, 'utf8');
    const line = csv.split('\n').find((l) => l.startsWith(`${id},`));
    expect(line).toContain('Ada Candidate');
    expect(line).toContain('finished');
  });
});

describe.sequential("the candidate's pages around the window", () => {
  it('before the window the link says when it opens; a withdrawn invite says so', async () => {
    const opensAt = new Date(Date.now() + 3 * 60 * 60_000).toISOString();
    const closesAt = new Date(Date.now() + 4 * 60 * 60_000).toISOString();
    const { body } = await api<{ session: { id: string }; links: { candidate: string }; tokens: { interviewer: string } }>(h.url, 'POST', '/api/sessions', {
      token: INTERVIEWER_KEY,
      body: { mode: 'interview', scenarioId: FIRST, candidateName: 'Early Bird', interviewerName: 'Grace', window: { opensAt, closesAt, timeZone: 'Asia/Tokyo' } },
    });
    h.track(body.session.id, body.tokens.interviewer);
    const page = await newPage(h);
    await page.goto(linkParts(body.links.candidate).path);
    await expect.poll(() => page.getByTestId('invite-early').innerText()).toMatch(/Asia\/Tokyo/);
    await expectAccessible(page, 'the early invite page');

    // A browser context of its own: signed in afresh.
    const dashboard = await newPage(h);
    await signIn(dashboard, staff.email, staff.password);
    const row = dashboard.locator(`tr[data-interview=${body.session.id}]`);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await dashboard.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('revoked');

    await page.reload();
    await page.getByTestId('invite-revoked').waitFor();
    await expectAccessible(page, 'the withdrawn invite page');
  });
});
