import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildClientIfStale } from '../../server/src/http/client-build.js';
import { startServer } from '../../server/src/http/index.js';
import { Lab } from '../../server/src/lab/index.js';
import type { Sessions } from '../../server/src/sessions/index.js';
import { api, INTERVIEWER_KEY, testServerConfig } from '../server-helpers.js';

export { INTERVIEWER_KEY };

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLIENT_DIR = path.join(ROOT, 'client');
export const SCREENSHOTS = path.join(ROOT, 'artifacts', 'screenshots');
const CHROMIUM = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';

export interface Harness {
  url: string;
  browser: Browser;
  /** The server's sessions, for what a test cannot wait for (the time-limit warning: `tick`). */
  sessions: Sessions;
  /** Sessions this file created, ended in close() whatever the tests did. */
  track(id: string, token: string): void;
  close(): Promise<void>;
}

/** The real server in this process (temp data dir, no warm pool unless asked) serving the freshly built client, and Chromium. */
export async function startHarness(overrides: Record<string, string> = {}): Promise<Harness> {
  const built = await buildClientIfStale(CLIENT_DIR, (line) => process.stdout.write(`[client] ${line}\n`));
  if (built.built) process.stdout.write(`[client] built in ${built.ms} ms\n`);
  const config = testServerConfig(overrides);
  const lab = new Lab(config);
  // As `faultline serve` does: a pool only when one is asked for (FAULTLINE_POOL_SIZE).
  const pool = config.pool.size > 0 ? lab.startPool() : undefined;
  const server = await startServer(config, lab, { clientDist: path.join(CLIENT_DIR, 'dist') });
  // Playwright gives every launch a fresh throwaway profile (its own --user-data-dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  }).catch(async (err: unknown) => {
    await Promise.all([server.close(), pool?.drain()]);
    throw err;
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const sessions: Array<{ id: string; token: string }> = [];
  return {
    url: server.url,
    browser,
    sessions: server.sessions,
    track: (id, token) => sessions.push({ id, token }),
    async close() {
      for (const s of sessions) await api(server.url, 'POST', `/api/sessions/${s.id}/end`, { token: s.token }).catch(() => undefined);
      await browser.close();
      await Promise.all([server.close(), pool?.drain()]);
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

export async function newPage(h: Harness, viewport = { width: 1280, height: 720 }): Promise<Page> {
  const context = await h.browser.newContext({ viewport, baseURL: h.url, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (err) => process.stdout.write(`[page error] ${err.message}\n`));
  return page;
}

/** The visible text of the (first) xterm screen on the page. */
export function screenText(page: Page, selector = '[data-testid=terminal]'): Promise<string> {
  return page.locator(`${selector} .xterm-rows`).innerText();
}

export async function waitForScreen(page: Page, pattern: RegExp, timeoutMs = 60_000, selector?: string): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await screenText(page, selector).catch(() => '');
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}; it shows:\n${text}`);
    await page.waitForTimeout(250);
  }
}

/** Type a command line into the focused terminal, as a person would. */
export async function typeLine(page: Page, line: string): Promise<void> {
  await page.locator('[data-testid=terminal]').click();
  await page.keyboard.type(line, { delay: 5 });
  await page.keyboard.press('Enter');
}

export async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * An interview candidate's page first shows the privacy notice: read it and go on (the session
 * page's "open the terminal", the lobby's "continue"), then wait for it to make way.
 */
export async function acceptNotice(page: Page, timeoutMs = 30_000): Promise<void> {
  const notice = page.getByTestId('privacy-notice');
  await notice.getByRole('button', { name: /^I understand, / }).click({ timeout: timeoutMs });
  await notice.waitFor({ state: 'detached', timeout: timeoutMs });
}
