import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, INTERVIEWER_KEY } from '../server-helpers.js';
import { expectAccessible } from './axe.js';
import { acceptNotice, newPage, screenText, shot, startHarness, typeLine, waitForScreen, type Harness } from './harness.js';

// The command timeline through Chromium (issue 16): what the candidate types on ws and, after
// `ssh ns`, on ns shows up in the interviewer's console with its host and exit status, in the
// report, and as a replay marker to jump to.

const SCENARIO = 'dns-stale-record';
const PROMPT = (host: string) => new RegExp(`root@${host}[^\\n]*[#$]`);

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe.sequential('command timeline', () => {
  let interviewer: Page;
  let candidate: Page;
  let id = '';
  let itoken = '';

  /** The console's row for a command line, once it is listed. */
  const row = (page: Page, command: string) => page.getByTestId('command').filter({ has: page.locator('code', { hasText: command }) });

  it('lists what the candidate runs on ws and, after ssh, on ns, with host and exit status', async () => {
    const created = await api<{ session: { id: string }; tokens: { candidate: string; interviewer: string } }>(h.url, 'POST', '/api/sessions', { token: INTERVIEWER_KEY, body: { scenarioId: SCENARIO, mode: 'interview' } });
    const body = created.body;
    id = body.session.id;
    itoken = body.tokens.interviewer;
    h.track(id, itoken);
    candidate = await newPage(h);
    interviewer = await newPage(h);
    await candidate.goto(`/s/${id}#${body.tokens.candidate}`);
    await interviewer.goto(`/i/${id}#${itoken}`);
    await acceptNotice(candidate);
    await waitForScreen(candidate, PROMPT('ws'), 150_000);
    await interviewer.getByRole('tab', { name: 'Commands' }).click();

    await typeLine(candidate, 'echo timeline-$((6*7))');
    await typeLine(candidate, 'false');
    await row(interviewer, 'echo timeline-$((6*7))').waitFor({ timeout: 15_000 });
    await expect.poll(() => row(interviewer, 'false').getAttribute('data-exit'), { timeout: 15_000 }).toBe('1');
    expect(await row(interviewer, 'echo timeline').getAttribute('data-host')).toBe('ws');
    expect(await row(interviewer, 'echo timeline').getAttribute('data-exit')).toBe('0');

    // A revealing command of the scenario (asking the name server directly) is starred.
    await typeLine(candidate, 'dig +short @ns version.bind chaos txt');
    await expect.poll(() => row(interviewer, 'dig +short @ns').getByTestId('revealing').allInnerTexts(), { timeout: 15_000 }).toEqual(['★ asked the name server directly']);

    await typeLine(candidate, 'ssh ns');
    await waitForScreen(candidate, PROMPT('ns'), 30_000);
    await typeLine(candidate, 'cd /etc/bind && ls /no/such/dir');
    await typeLine(candidate, 'dig +short @127.0.0.1 version.bind chaos txt');
    await row(interviewer, 'ls /no/such/dir').waitFor({ timeout: 15_000 });
    expect(await row(interviewer, 'ls /no/such/dir').getAttribute('data-host')).toBe('ns');
    expect(await row(interviewer, 'ls /no/such/dir').getAttribute('data-exit')).toBe('2');
    await row(interviewer, 'dig +short @127.0.0.1').waitFor({ timeout: 15_000 });
    await typeLine(candidate, 'exit');
    await waitForScreen(candidate, PROMPT('ws'), 30_000);
    // `ssh ns` itself ends on ws once the remote shell exits.
    await expect.poll(() => row(interviewer, 'ssh ns').getAttribute('data-exit'), { timeout: 15_000 }).toBe('0');
    expect(await row(interviewer, 'ssh ns').getAttribute('data-host')).toBe('ws');
    expect(await interviewer.locator('section.command-log').innerText()).toContain('As the shell reported it');
  });

  it('a click on a command shows its output', async () => {
    await row(interviewer, 'echo timeline').getByRole('button').click();
    // The output as the screen showed it: keys typed ahead (the next line, `false`) may be echoed before it, so it is matched as a line.
    await expect.poll(() => row(interviewer, 'echo timeline').getByTestId('command-output').innerText(), { timeout: 15_000 }).toMatch(/^timeline-42$/m);
    await row(interviewer, 'ls /no/such/dir').getByRole('button').click();
    await expect.poll(() => row(interviewer, 'ls /no/such/dir').getByTestId('command-output').innerText(), { timeout: 15_000 }).toMatch(/No such file or directory/);
    await shot(interviewer, 'console-commands');
    await expectAccessible(interviewer, "the console's Commands tab, a command's output open");
  });

  it('the report lists the commands, the failed ones and the first command on the fault host', async () => {
    const report = await interviewer.context().newPage();
    await report.goto(`/i/${id}/report#${itoken}`);
    await report.getByTestId('command-log').waitFor({ timeout: 15_000 });
    const log = await report.getByTestId('command-log').innerText();
    for (const line of ['echo timeline-$((6*7))', 'false', 'ssh ns', 'ls /no/such/dir']) expect(log).toContain(line);
    const failed = await report.getByTestId('failed-commands').innerText();
    expect(failed).toContain('ws$ false → 1');
    expect(failed).toContain('ns$ cd /etc/bind && ls /no/such/dir → 2');
    const facts = await report.getByTestId('command-facts').innerText();
    expect(facts).toMatch(/Commands\s*\d+ reported, 2 failed/);
    // dns-stale-record's fault is on ns.
    expect(facts).toMatch(/First command on a fault host\s*\d+:\d\d after ready, on ns: cd \/etc\/bind/);
    expect(facts).toMatch(/★ asked the name server directly\s*first at \d+:\d\d on ws: dig \+short @ns/);
    expect(facts).toMatch(/★ read or checked the zone file\s*not seen/);
    await shot(report, 'report-commands');
    await expectAccessible(report, 'the report with its commands');
    await report.close();
  });

  it('the replay jumps to a command', async () => {
    await interviewer.getByRole('button', { name: 'End interview' }).click();
    await interviewer.getByRole('dialog').getByRole('button', { name: 'End interview' }).click();
    await interviewer.getByRole('link', { name: 'Watch the replay' }).waitFor({ timeout: 30_000 });
    await interviewer.goto(`/r/${id}#${itoken}`);
    const marker = interviewer.locator('[data-marker="command ns $ cd /etc/bind && ls /no/such/dir"]');
    await marker.waitFor({ timeout: 15_000 });
    expect(await marker.innerText()).toContain('ns$ cd /etc/bind && ls /no/such/dir');
    await marker.click();
    const at = (await marker.locator('.mono').innerText()).trim();
    await expect.poll(() => interviewer.getByTestId('position').innerText()).toContain(`${at} /`);
    await expect.poll(() => screenText(interviewer, '[data-testid=replay-terminal]'), { timeout: 15_000 }).toMatch(/timeline-42/);
    await shot(interviewer, 'replay-command');
    await interviewer.context().close();
    await candidate.context().close();
  });
});
