import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CandidateExport } from '../../server/src/http/candidates.js';
import { api } from '../server-helpers.js';
import { expectAccessible } from './axe.js';
import { INTERVIEWER_KEY, newPage, shot, startHarness, type Harness } from './harness.js';
import { firstStaff, signIn } from './staff.js';

// The admin's Candidate data page in Chromium: a candidate's interview, booked with the interviewer
// key and ended, is exported as a JSON download and then erased after a confirmation.

const ADMIN = { email: 'ada.admin@example.test', name: 'Ada Admin' };
const CANDIDATE = 'Cara Candidate';

interface Created {
  session: { id: string };
  tokens: { interviewer: string };
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

let h: Harness;
let page: Page;
let booked: Created;

beforeAll(async () => {
  h = await startHarness();
  const res = await api<Created>(h.url, 'POST', '/api/sessions', {
    token: INTERVIEWER_KEY,
    body: { mode: 'interview', scenarioId: 'dns-stale-record', candidateName: CANDIDATE, window: { opensAt: minutes(60), closesAt: minutes(120), timeZone: 'UTC' } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  booked = res.body;
  const ended = await api(h.url, 'POST', `/api/sessions/${booked.session.id}/end`, { token: booked.tokens.interviewer });
  expect(ended.status, JSON.stringify(ended.body)).toBe(200);
  const { password } = await firstStaff(h.url, { ...ADMIN, role: 'admin' });
  page = await newPage(h);
  await signIn(page, ADMIN.email, password);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe.sequential('candidate data page', () => {
  it('is in the account menu, and says what export holds and that erase cannot be undone', async () => {
    await page.getByRole('button', { name: /Ada Admin/ }).click();
    await page.getByRole('link', { name: 'Candidate data', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/admin/candidates');
    await page.getByRole('heading', { name: 'Candidate data', level: 1 }).waitFor();
    await page.getByText('it cannot be undone', { exact: false }).waitFor();
    await page.getByText('a fingerprint of the name', { exact: false }).waitFor();
    await expectAccessible(page, 'the candidate data page');
  });

  it('Export (JSON) downloads every session held under the name', async () => {
    await page.getByLabel('Candidate name').fill(CANDIDATE.toLowerCase());
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export (JSON)' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('faultline-candidate-cara-candidate.json');
    const file = await download.path();
    const body = JSON.parse(fs.readFileSync(file, 'utf8')) as CandidateExport;
    expect(body.candidate).toBe(CANDIDATE.toLowerCase());
    expect(body.sessions.map((s) => s.record.id)).toEqual([booked.session.id]);
    await page.getByText(/^Exported the data held about/).waitFor();
    await shot(page, 'candidate-data');
  });

  it('Erase… asks first, then erases; a second erase says nothing is held', async () => {
    await page.getByRole('button', { name: 'Erase…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('This cannot be undone.', { exact: false }).waitFor();
    await expectAccessible(page, 'the erase confirmation');
    await dialog.getByRole('button', { name: 'Erase', exact: true }).click();
    await page.getByText(`Erased 1 session of “${CANDIDATE.toLowerCase()}”.`).waitFor();
    expect((await api(h.url, 'GET', `/api/sessions/${booked.session.id}`, { token: booked.tokens.interviewer })).status).toBe(404);

    await page.getByLabel('Candidate name').fill(CANDIDATE);
    await page.getByRole('button', { name: 'Erase…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Erase', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/^Nothing was erased: Nothing is held under that name\. No session is held for a candidate named "Cara Candidate"/);
  });
});
