import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, INTERVIEWER_KEY } from '../server-helpers.js';
import { expectAccessible } from './axe.js';
import { acceptNotice, newPage, shot, startHarness, waitForScreen, type Harness } from './harness.js';

// The interview candidate's privacy notice (issue 15) through Chromium: it comes before the
// terminal, going on records it once on the timeline, and the console names who did what.

const SCENARIO = 'dns-stale-record';
const PROMPT = /root@ws[^\n]*[#$]/;
const NOTICE = [
  'This interview is recorded: your terminal, what you type and the checks, notice-test-5e1d.',
  'The hiring team sees it; it is deleted after 30 days.',
].join('\n\n');

interface Created {
  session: { id: string };
  tokens: { candidate: string; interviewer: string; viewer: string };
}
interface Events {
  events: Array<{ type: string; data: Record<string, unknown> }>;
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ FAULTLINE_CANDIDATE_NOTICE: NOTICE });
});

afterAll(async () => {
  await h?.close();
});

describe.sequential('the candidate privacy notice', () => {
  let candidate: Page;
  let console_: Page;
  let created: Created;
  const events = async () => (await api<Events>(h.url, 'GET', `/api/sessions/${created.session.id}/events`, { token: created.tokens.interviewer })).body.events;

  it('comes before the terminal: the text, no terminal, no connection, and it is accessible', async () => {
    const res = await api<Created>(h.url, 'POST', '/api/sessions', { token: INTERVIEWER_KEY, body: { scenarioId: SCENARIO, mode: 'interview', candidateName: 'Nora Notice' } });
    expect(res.status).toBe(201);
    created = res.body;
    h.track(created.session.id, created.tokens.interviewer);

    candidate = await newPage(h);
    await candidate.goto(`/s/${created.session.id}#${created.tokens.candidate}`);
    const notice = candidate.getByTestId('privacy-notice');
    await notice.getByRole('heading', { name: 'Before you start' }).waitFor();
    // The configured text, paragraph by paragraph.
    expect(await notice.getByTestId('privacy-text').locator('p').allInnerTexts()).toEqual(NOTICE.split('\n\n'));
    expect(await notice.getByRole('button', { name: 'I understand, open the terminal' }).isEnabled()).toBe(true);
    // Nothing of the session runs on the candidate's side yet: no terminal, no socket (its shell, the recording).
    await candidate.waitForTimeout(1500);
    expect(await candidate.locator('[data-testid=terminal]').count()).toBe(0);
    expect((await events()).filter((e) => e.type === 'joined' || e.type === 'notice')).toEqual([]);
    await expectAccessible(candidate, 'the candidate privacy notice');
    await shot(candidate, 'candidate-privacy-notice');
  });

  it('is not shown to a watcher', async () => {
    const viewer = await api<{ session: { privacyNotice?: string } }>(h.url, 'GET', `/api/sessions/${created.session.id}`, { token: created.tokens.viewer });
    expect(viewer.body.session.privacyNotice).toBeUndefined();
    const interviewer = await api<{ session: { privacyNotice?: string } }>(h.url, 'GET', `/api/sessions/${created.session.id}`, { token: created.tokens.interviewer });
    expect(interviewer.body.session.privacyNotice).toBeUndefined();
    // Only the candidate link records reading it.
    const refused = await api(h.url, 'POST', `/api/sessions/${created.session.id}/notice`, { token: created.tokens.viewer });
    expect([401, 403]).toContain(refused.status);
  });

  it('going on opens the terminal, and the interviewer timeline shows it once', async () => {
    await acceptNotice(candidate);
    await waitForScreen(candidate, PROMPT, 150_000);

    console_ = await newPage(h);
    await console_.goto(`/i/${created.session.id}#${created.tokens.interviewer}`);
    await console_.getByRole('tab', { name: 'Timeline' }).click();
    await console_.locator('ol.timeline li.tl-notice').filter({ hasText: 'The candidate read the privacy notice' }).waitFor();

    // A reload in the same tab does not ask again, and asking the server again records nothing new.
    await candidate.reload();
    await waitForScreen(candidate, PROMPT, 60_000);
    expect(await candidate.getByTestId('privacy-notice').count()).toBe(0);
    const again = await api(h.url, 'POST', `/api/sessions/${created.session.id}/notice`, { token: created.tokens.candidate });
    expect(again.status).toBe(204);
    expect((await events()).filter((e) => e.type === 'notice')).toHaveLength(1);
  });

  it('the console names who created the interview, and who wrote a note and saved the score', async () => {
    // Created with the interviewer key, acted on with the interviewer link: nobody is signed in.
    await console_.getByRole('tab', { name: 'Notes & score' }).click();
    await expect.poll(() => console_.getByTestId('created-by').innerText()).toBe('Interview created by interviewer key');
    await console_.getByLabel('New note').fill('asked about the TTL first');
    await console_.getByLabel('New note').press('Enter');
    const note = console_.getByTestId('notes').locator('li').filter({ hasText: 'asked about the TTL first' });
    await expect.poll(() => note.getByTestId('note-author').innerText()).toBe('— interviewer link');

    await console_.locator('label.seg-partial').click();
    for (const label of ['Method: 3 of 5', 'Networking knowledge: 4 of 5', 'Communication: 4 of 5']) await console_.getByLabel(label).check({ force: true });
    await console_.getByRole('button', { name: 'Save score' }).click();
    await expect.poll(() => console_.getByTestId('scored-by').innerText()).toMatch(/^Scored by interviewer link at /);

    await console_.getByRole('tab', { name: 'Timeline' }).click();
    const noteLine = console_.locator('ol.timeline li.tl-note').filter({ hasText: 'asked about the TTL first' });
    await expect.poll(() => noteLine.getByTestId('event-by').innerText()).toBe('by interviewer link');
    const data = (await events()).find((e) => e.type === 'note')?.data;
    expect(data?.by).toBe('interviewer link');
    await expectAccessible(console_, 'the console with authors');
    await shot(console_, 'console-authors');
  });

  it('signed in, the console names the user: its requests carry the sign-in cookie with the link', async () => {
    // The first account may come from the interviewer key (no admin exists yet).
    const password = 'notice-test-passphrase-7c2b9e';
    const added = await api(h.url, 'POST', '/api/users', { token: INTERVIEWER_KEY, body: { email: 'grace@example.test', name: 'Grace Hopper', role: 'interviewer', password } });
    expect(added.status).toBe(201);
    const signedIn = await newPage(h);
    // The browser context's request client shares its cookie jar with the page.
    const login = await signedIn.context().request.post('/api/auth/login', { data: { email: 'grace@example.test', password } });
    expect(login.status()).toBe(200);
    await signedIn.goto(`/i/${created.session.id}#${created.tokens.interviewer}`);
    await signedIn.getByRole('tab', { name: 'Notes & score' }).click();
    await signedIn.getByLabel('New note').fill('checked resolv.conf next');
    await signedIn.getByLabel('New note').press('Enter');
    const note = signedIn.getByTestId('notes').locator('li').filter({ hasText: 'checked resolv.conf next' });
    await expect.poll(() => note.getByTestId('note-author').innerText()).toBe('— Grace Hopper');
    // The earlier note keeps its own author.
    await expect.poll(() => signedIn.getByTestId('notes').locator('li').filter({ hasText: 'asked about the TTL first' }).getByTestId('note-author').innerText()).toBe('— interviewer link');
    await signedIn.getByRole('tab', { name: 'Timeline' }).click();
    const line = signedIn.locator('ol.timeline li.tl-note').filter({ hasText: 'checked resolv.conf next' });
    await expect.poll(() => line.getByTestId('event-by').innerText()).toBe('by Grace Hopper');
    await signedIn.context().close();
  });

  it('the report names the authors too', async () => {
    const report = await console_.context().newPage();
    await report.goto(`/i/${created.session.id}/report#${created.tokens.interviewer}`);
    await expect.poll(() => report.getByTestId('created-by').innerText()).toBe('interviewer key');
    await expect.poll(() => report.getByTestId('scored-by').innerText()).toMatch(/^Scored by interviewer link, /);
    await report.getByText('asked about the TTL first — interviewer link').waitFor();
    await report.close();
  });
});
