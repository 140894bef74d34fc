import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../server-helpers.js';
import { TermClient } from '../terminal-client.js';
import { expectAccessible } from './axe.js';
import { INTERVIEWER_KEY, newPage, shot, startHarness, waitForScreen, type Harness } from './harness.js';

// What a first real session runs into on real screens: a laptop console, a phone, the keyboard,
// the replay. Real server, real containers, headless Chromium; axe-core on every page.

const SCENARIO = 'tcp-loopback-bind';
const TITLE = 'The new portal answers 502';
const CHECK_IDS = ['portal', 'portal-v2'];
const CANDIDATE = 'Ada Lovelace-Byron';
/** The legible minimum a watcher's mirror of the candidate's terminal may shrink to (README). */
const MIN_FONT_PX = 11;
const PROMPT = (host: string) => new RegExp(`root@${host}[^\\n]*[#$]`);

/** The reference fix, typed on app: listen on every address instead of loopback only. */
const FIX_ON_APP = `jq '.bind = "0.0.0.0"' /etc/app/app.json > /tmp/app.json && mv /tmp/app.json /etc/app/app.json && svc restart && echo FIXED-$((40+2))`;

interface Created {
  id: string;
  tokens: { candidate: string; interviewer?: string; viewer?: string };
}

interface SessionBody {
  state: string;
  readyAt?: string;
  firstSolvedAt?: string;
  checks: Array<{ id: string; title?: string; symptom: string; pending?: boolean }>;
  escalations: Array<{ id?: string; title?: string; notice: string }>;
  availableEscalations?: Array<{ id: string; title: string }>;
}

let h: Harness;
let interview: Created;
let practice: Created;

async function create(mode: 'interview' | 'practice'): Promise<Created> {
  const res = await api<{ session: { id: string }; tokens: Created['tokens'] }>(h.url, 'POST', '/api/sessions', {
    token: mode === 'interview' ? INTERVIEWER_KEY : undefined,
    body: { scenarioId: SCENARIO, mode, ...(mode === 'interview' ? { candidateName: CANDIDATE } : {}) },
  });
  if (res.status !== 201) throw new Error(`creating a ${mode} session answered ${res.status}: ${JSON.stringify(res.body)}`);
  const created = { id: res.body.session.id, tokens: res.body.tokens };
  h.track(created.id, created.tokens.interviewer ?? created.tokens.candidate);
  return created;
}

async function session(id: string, token: string): Promise<SessionBody> {
  return (await api<{ session: SessionBody }>(h.url, 'GET', `/api/sessions/${id}`, { token })).body.session;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 150_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The candidate's side of the solve, typed into the shell through a socket as the browser would. */
async function solveThroughTerminal(s: Created): Promise<void> {
  const term = await TermClient.connect(h.url, s.id, s.tokens.candidate);
  try {
    // A shell opened earlier shows its prompt in the snapshot only; then ask for a fresh one
    // (Ctrl+G first drops an Escape typed earlier that still waits for its next key).
    await term.until('a prompt', () => PROMPT('ws').test(term.snapshot) || PROMPT('ws').test(term.output), 150_000);
    const mark = term.output.length;
    term.type('\x07');
    await new Promise((r) => setTimeout(r, 200));
    term.type('\r');
    await term.until('a fresh prompt', () => PROMPT('ws').test(term.output.slice(mark)), 15_000);
    term.type('ssh app\r');
    await term.untilOutput(PROMPT('app'), 30_000);
    term.type(`${FIX_ON_APP}\r`);
    await term.untilOutput(/FIXED-42/, 60_000);
    term.type('exit\r');
    await term.untilOutput(/logout/, 15_000);
    await until(
      'the solve',
      async () => (await api<{ checks: Array<{ passed: boolean }> }>(h.url, 'POST', `/api/sessions/${s.id}/checks`, { token: s.tokens.candidate })).body.checks,
      (checks) => checks.length > 0 && checks.every((c) => c.passed),
      60_000,
    );
  } finally {
    await term.close();
  }
}

async function pageAt(width: number, height: number): Promise<Page> {
  return newPage(h, { width, height });
}

/** Rectangles of the header's visible pieces; none may overlap or leave the viewport. */
/** A phone and a small tablet: the widths where the page is one column. */
const NARROW = [
  [390, 844],
  [800, 1000],
] as const;

/** Where the terminal and the side column sit on a one-column page. */
async function stacking(page: Page, side: string): Promise<{ terminalTop: number; terminalHeight: number; sideTop: number }> {
  return page.evaluate((sideSelector) => {
    const t = document.querySelector('.terminal-area')?.getBoundingClientRect();
    const s = document.querySelector(sideSelector)?.getBoundingClientRect();
    return { terminalTop: t?.top ?? 0, terminalHeight: t?.height ?? 0, sideTop: s?.top ?? 0 };
  }, side);
}

async function headerProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parts = [...document.querySelectorAll('.topbar .brand, .topbar h1, .topbar .badge, .topbar [data-testid=candidate-name], .topbar .stat, .topbar .conn, .topbar .btn')]
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => ({ name: `${el.className || el.tagName}: ${(el.textContent ?? '').trim().slice(0, 30)}`, r: el.getBoundingClientRect() }));
    const problems: string[] = [];
    for (const p of parts) if (p.r.left < 0 || p.r.right > window.innerWidth + 0.5) problems.push(`${p.name} leaves the viewport (${Math.round(p.r.left)}..${Math.round(p.r.right)})`);
    for (let i = 0; i < parts.length; i++) {
      for (let j = i + 1; j < parts.length; j++) {
        const a = parts[i]?.r;
        const b = parts[j]?.r;
        if (!a || !b) continue;
        const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
        if (overlap) problems.push(`${parts[i]?.name} overlaps ${parts[j]?.name}`);
      }
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 0.5) problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${window.innerWidth})`);
    return problems;
  });
}

/** Whether the page's title is cut off or on more than one line, and the same for the candidate's name. */
async function titleAndName(page: Page): Promise<{ titleTruncated: boolean; titleLines: number; nameLines: number }> {
  return page.evaluate((candidate) => {
    const h1 = document.querySelector('.topbar h1') as HTMLElement;
    const name = [...document.querySelectorAll<HTMLElement>('.topbar *')].find((el) => el.textContent?.trim() === `with ${candidate}`) as HTMLElement;
    const lines = (el: HTMLElement) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight));
    return { titleTruncated: h1.scrollWidth > h1.clientWidth + 0.5, titleLines: lines(h1), nameLines: lines(name) };
  }, CANDIDATE);
}

/** The mirrored terminal: its font size, and whether all of its columns are in view without scrolling. */
async function mirror(page: Page): Promise<{ fontPx: number; rows: number; clipped: boolean }> {
  return page.evaluate(() => {
    const rows = document.querySelector('[data-testid=terminal] .xterm-rows') as HTMLElement;
    const screen = document.querySelector('[data-testid=terminal] .xterm-screen') as HTMLElement;
    const box = document.querySelector('[data-testid=terminal]') as HTMLElement;
    return {
      fontPx: parseFloat(getComputedStyle(rows).fontSize),
      rows: rows.children.length,
      clipped: screen.getBoundingClientRect().right > box.getBoundingClientRect().right + 0.5 || box.scrollWidth > box.clientWidth + 0.5,
    };
  });
}

beforeAll(async () => {
  h = await startHarness();
  [interview, practice] = await Promise.all([create('interview'), create('practice')]);
  await Promise.all([
    until('the interview environment', () => session(interview.id, interview.tokens.candidate), (s) => s.state !== 'starting'),
    until('the practice environment', () => session(practice.id, practice.tokens.candidate), (s) => s.state !== 'starting'),
  ]);
});

afterAll(async () => {
  await h?.close();
});

describe.sequential('the interviewer console on a laptop', () => {
  let candidate: TermClient;

  const LAPTOPS = [
    [1024, 768],
    [1280, 800],
  ] as const;

  async function openConsole(width: number, height: number): Promise<Page> {
    const page = await pageAt(width, height);
    await page.goto(`/i/${interview.id}#${interview.tokens.interviewer}`);
    await waitForScreen(page, PROMPT('ws'), 60_000);
    await expect.poll(async () => (await mirror(page)).rows, { timeout: 15_000 }).toBe(38);
    await page.waitForTimeout(300);
    return page;
  }

  // The candidate, at the size of a maximised terminal on their laptop.
  beforeAll(async () => {
    candidate = await TermClient.connect(h.url, interview.id, interview.tokens.candidate);
    await candidate.untilOutput(PROMPT('ws'), 150_000);
    candidate.control({ type: 'resize', cols: 104, rows: 38 });
  });

  afterAll(async () => {
    await candidate?.close();
  });

  it("keeps the candidate's 104×38 terminal legible and whole at 1024×768 and 1280×800", async () => {
    for (const [width, height] of LAPTOPS) {
      const page = await openConsole(width, height);
      const m = await mirror(page);
      await shot(page, `console-${width}x${height}`);
      expect(m.fontPx, `font size of the mirror at ${width}×${height}`).toBeGreaterThanOrEqual(MIN_FONT_PX);
      expect(m.clipped, `all 104 columns in view at ${width}×${height}`).toBe(false);
      await page.context().close();
    }
  });

  it("shows the scenario's title and the candidate's name whole, and a header without overlaps, at 1024×768 and 1280×800", async () => {
    for (const [width, height] of LAPTOPS) {
      const page = await openConsole(width, height);
      expect(await titleAndName(page), `title and name at ${width}×${height}`).toEqual({ titleTruncated: false, titleLines: 1, nameLines: 1 });
      expect(await headerProblems(page), `console header at ${width}×${height}`).toEqual([]);
      await expectAccessible(page, `the console at ${width}×${height}`);
      await page.context().close();
    }
  });

  it('the side panel folds away and the terminal takes the room, remembered after a reload', async () => {
    const page = await pageAt(1024, 768);
    await page.goto(`/i/${interview.id}#${interview.tokens.interviewer}`);
    await waitForScreen(page, PROMPT('ws'), 60_000);
    await expect.poll(async () => (await mirror(page)).rows, { timeout: 15_000 }).toBe(38);
    const before = (await mirror(page)).fontPx;
    // The mirror is read-only: Tab there moves on, it never traps the keyboard.
    await page.locator('[data-testid=terminal]').click();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid=terminal]') === null)).toBe(true);
    const toggle = page.getByRole('button', { name: 'Hide the side panel' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await toggle.click();
    await expect.poll(() => page.locator('.console-side').isVisible()).toBe(false);
    await expect.poll(async () => (await mirror(page)).fontPx).toBeGreaterThan(before);
    await page.reload();
    await waitForScreen(page, PROMPT('ws'), 60_000);
    const show = page.getByRole('button', { name: 'Show the side panel' });
    expect(await show.getAttribute('aria-expanded')).toBe('false');
    await show.click();
    await page.locator('.console-side').waitFor();
    await expectAccessible(page, 'the console with the panel folded and back');
    // Every tab of the side panel, and a confirmation dialog, through axe-core too.
    for (const tab of ['Notes & score', 'Timeline', 'Solution']) {
      await page.getByRole('tab', { name: tab }).click();
      await expectAccessible(page, `the console's ${tab} tab`);
    }
    await page.getByRole('button', { name: 'End interview' }).click();
    await page.getByRole('dialog').waitFor();
    await expectAccessible(page, "the console's confirmation dialog");
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.context().close();
  });

  it('on a phone and a small tablet the terminal comes first and the header wraps without overlapping', async () => {
    for (const [width, height] of NARROW) {
      const page = await pageAt(width, height);
      await page.goto(`/i/${interview.id}#${interview.tokens.interviewer}`);
      await waitForScreen(page, PROMPT('ws'), 60_000);
      await shot(page, `console-${width}x${height}`);
      expect(await headerProblems(page), `console header at ${width}×${height}`).toEqual([]);
      const order = await stacking(page, '.console-side');
      expect(order.terminalTop).toBeLessThan(order.sideTop);
      expect(order.terminalHeight).toBeGreaterThanOrEqual(Math.min(height * 0.5, 400));
      expect((await mirror(page)).fontPx).toBeGreaterThanOrEqual(MIN_FONT_PX);
      await expectAccessible(page, `the console at ${width}×${height}`);
      await page.context().close();
    }
  });
});

describe.sequential('the candidate page', () => {
  it('on a phone and a small tablet the terminal comes first and the header wraps without overlapping', async () => {
    for (const [width, height] of NARROW) {
      const page = await pageAt(width, height);
      await page.goto(`/s/${practice.id}#${practice.tokens.candidate}`);
      await waitForScreen(page, PROMPT('ws'), 150_000);
      await shot(page, `candidate-${width}x${height}`);
      expect(await headerProblems(page), `candidate header at ${width}×${height}`).toEqual([]);
      const order = await stacking(page, '.sidebar');
      expect(order.terminalTop, 'the terminal above the brief').toBeLessThan(order.sideTop);
      expect(order.terminalTop, 'the terminal starts in the first screen').toBeLessThan(height / 2);
      await expectAccessible(page, `the candidate page at ${width}×${height}`);
      await page.context().close();
    }
  });

  it('the terminal describes the way out by keyboard to screen readers', async () => {
    const page = await newPage(h);
    await page.goto(`/s/${practice.id}#${practice.tokens.candidate}`);
    await waitForScreen(page, PROMPT('ws'), 150_000);
    const help = await page
      .locator('[data-testid=terminal] textarea')
      .evaluate((el) => (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
    expect(help).toMatch(/Escape, then Tab/);
    await page.context().close();
  });

  it('Tab belongs to the shell; Escape reaches the shell too, and Escape then Tab leaves the terminal', async () => {
    const page = await newPage(h);
    const sent: Buffer[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => typeof f.payload !== 'string' && sent.push(Buffer.from(f.payload))));
    await page.goto(`/s/${practice.id}#${practice.tokens.candidate}`);
    await waitForScreen(page, PROMPT('ws'), 150_000);
    const textarea = page.locator('[data-testid=terminal] textarea');
    const inTerminal = () => textarea.evaluate((el) => el === document.activeElement);

    await page.locator('[data-testid=terminal]').click();
    expect(await inTerminal()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await inTerminal(), 'Tab stays in the terminal').toBe(true);
    await expect.poll(() => sent.some((b) => b.includes(0x09))).toBe(true);

    await page.keyboard.press('Escape');
    expect(await inTerminal(), 'Escape alone stays in the terminal').toBe(true);
    await expect.poll(() => sent.some((b) => b.includes(0x1b)), { message: 'Escape reaches the shell' }).toBe(true);
    await page.keyboard.press('Tab');
    expect(await inTerminal(), 'Escape then Tab leaves the terminal').toBe(false);
    // The next control after the terminal: the first in the sidebar (the brief's links, else "Check now").
    expect(await page.evaluate(() => document.activeElement?.closest('.sidebar') !== null)).toBe(true);

    // Back in, a plain Tab is the shell's again; Escape then Shift+Tab leaves backwards.
    await page.locator('[data-testid=terminal]').click();
    await page.keyboard.press('Tab');
    expect(await inTerminal()).toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Tab');
    expect(await inTerminal(), 'Escape then Shift+Tab leaves the terminal').toBe(false);
    expect(await page.evaluate(() => document.activeElement !== document.body)).toBe(true);
    await page.context().close();
  });
});

describe.sequential('the replay', () => {
  let reportFirstSolved = '';

  it('the interview is solved through the terminal, escalated and ended', { timeout: 300_000 }, async () => {
    await solveThroughTerminal(interview);
    const token = interview.tokens.interviewer ?? '';
    await api(h.url, 'POST', `/api/sessions/${interview.id}/hints`, { token });
    const escalation = (await session(interview.id, token)).availableEscalations?.[0];
    expect(escalation).toBeDefined();
    expect((await api(h.url, 'POST', `/api/sessions/${interview.id}/escalations`, { token, body: { id: escalation?.id } })).status).toBe(200);
    expect((await api(h.url, 'POST', `/api/sessions/${interview.id}/end`, { token })).status).toBe(200);

    const report = await newPage(h);
    await report.goto(`/i/${interview.id}/report#${token}`);
    await report.getByRole('heading', { name: 'Interview report' }).waitFor();
    reportFirstSolved = /First solved at (\d+:\d\d)/.exec(await report.locator('main').innerText())?.[1] ?? '';
    expect(reportFirstSolved).not.toBe('');
    await expectAccessible(report, 'the report');
    await report.context().close();
  });

  describe.sequential("the interviewer's replay", () => {
    let page: Page;
    const token = () => interview.tokens.interviewer ?? '';

    it("is titled with the scenario's title, not its id", async () => {
      page = await newPage(h);
      await page.goto(`/r/${interview.id}#${token()}`);
      await page.locator('[data-marker=solved]').waitFor();
      await shot(page, 'replay-interviewer');
      expect(await page.locator('.topbar h1').innerText()).toContain(TITLE);
      expect(await page.locator('body').innerText()).not.toContain(SCENARIO);
    });

    it('says in words what each marker was: check titles and the escalation title, no ids', async () => {
      const view = await session(interview.id, token());
      const markers = await page.locator('ol.timeline').innerText();
      for (const c of view.checks) {
        expect(markers).not.toContain(c.id);
        // The escalation's check never ran before the end: it has no marker.
        if (c.title && !c.pending) expect(markers).toContain(c.title);
      }
      const escalationTitle = view.escalations[0]?.title ?? '';
      expect(escalationTitle).toMatch(/Release 2.0 moved the app/);
      expect(markers).toContain(escalationTitle);
    });

    it('shows marker times in session time, as the report does (to the second)', async () => {
      const solved = page.locator('[data-marker=solved]');
      const solvedAt = (await solved.locator('.mono').innerText()).trim();
      const seconds = (t: string) => t.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
      expect(Math.abs(seconds(solvedAt) - seconds(reportFirstSolved)), `replay ${solvedAt} vs report ${reportFirstSolved}`).toBeLessThanOrEqual(1);
      await solved.click();
      await expect.poll(() => page.getByTestId('position').innerText()).toContain(`${solvedAt} /`);
    });

    it('offers the recording as a download, and links back to the console and the report', async () => {
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: /Download the recording/ }).click();
      const file = await (await download).path();
      const header = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0] ?? '{}') as { version?: number };
      expect(header.version).toBe(2);
      expect((await download).suggestedFilename()).toMatch(/\.cast$/);
      expect(await page.getByRole('link', { name: 'Console' }).getAttribute('href')).toBe(`/i/${interview.id}#${token()}`);
      expect(await page.getByRole('link', { name: 'Report' }).getAttribute('href')).toBe(`/i/${interview.id}/report#${token()}`);
    });

    it('passes axe-core with markers played (contrast, names that contain the visible labels)', async () => {
      await page.locator('[data-marker=solved]').click();
      await expectAccessible(page, 'the replay');
      await page.context().close();
    });
  });

  it("a practice candidate's own replay names checks by what they saw, and its recording carries no scenario or check ids", { timeout: 300_000 }, async () => {
    await solveThroughTerminal(practice);
    const view = await session(practice.id, practice.tokens.candidate);
    const solvedPage = await newPage(h);
    await solvedPage.goto(`/s/${practice.id}#${practice.tokens.candidate}`);
    await solvedPage.getByTestId('solved').waitFor({ timeout: 30_000 });
    await solvedPage.getByRole('button', { name: 'Show a hint' }).click();
    await solvedPage.locator('ol.hints li').first().waitFor();
    await expectAccessible(solvedPage, 'the candidate page, solved, with a hint');
    await solvedPage.context().close();
    expect((await api(h.url, 'POST', `/api/sessions/${practice.id}/end`, { token: practice.tokens.candidate })).status).toBe(200);

    const recording = (await api<string>(h.url, 'GET', `/api/sessions/${practice.id}/recording`, { token: practice.tokens.candidate })).body;
    expect(recording).not.toContain(SCENARIO);
    const markerLines = recording
      .split('\n')
      .slice(1)
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as [number, string, string])
      .filter(([, kind]) => kind === 'm')
      .map(([, , label]) => label);
    expect(markerLines).toContain('solved');
    for (const id of CHECK_IDS) expect(markerLines.filter((m) => m.includes(` ${id} `))).toEqual([]);

    const page = await newPage(h);
    await page.goto(`/r/${practice.id}#${practice.tokens.candidate}`);
    await page.locator('[data-marker=solved]').waitFor();
    expect(await page.locator('.topbar h1').innerText()).toContain(TITLE);
    const markers = await page.locator('ol.timeline').innerText();
    // Practice shows the checks in full (titles too), so the replay names them as the checks panel did.
    for (const c of view.checks.filter((check) => !check.pending)) expect(markers).toContain(c.title ?? c.symptom);
    expect(markers).not.toMatch(/check-\d/);
    expect(await page.getByRole('link', { name: 'Scenarios' }).getAttribute('href')).toBe('/');
    await expectAccessible(page, "a practice candidate's replay");
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await headerProblems(page), 'the replay at 390×844').toEqual([]);
    await shot(page, 'replay-390x844');
    await page.setViewportSize({ width: 1280, height: 720 });

    // The ended page, the catalogue and its dialog, so that every page has been through axe-core.
    await page.goto(`/s/${practice.id}#${practice.tokens.candidate}`);
    await page.getByRole('heading', { name: 'This session has ended' }).waitFor();
    await expectAccessible(page, 'the ended page');
    await page.goto('/');
    await page.locator(`[data-scenario=${SCENARIO}]`).waitFor();
    await expectAccessible(page, 'the catalogue');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await headerProblems(page), 'the catalogue at 390×844').toEqual([]);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.locator(`[data-scenario=${SCENARIO}]`).getByRole('button', { name: /^Create interview/ }).click();
    await page.getByRole('dialog').waitFor();
    await expectAccessible(page, 'the interview dialog');
    await page.context().close();
  });
});
