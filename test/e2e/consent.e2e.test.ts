import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

type States = { purposes: { purpose: string; granted: boolean; method: string | null; note: string | null; expiresAt: string | null }[] };

describe('consent on the contact page', () => {
  it('records a decision with its evidence and expiry, shows the state and the history, and lists it in the activity log', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Lena Park' });
    await page.goto(`/contacts/${contact.id}?tab=consent`);
    const photoState = page.getByTestId('consent-photo_enrichment');
    await photoState.getByText('Not asked').waitFor();

    await page.getByLabel('Purpose').selectOption('photo_enrichment');
    await page.getByLabel('Consent given').check();
    await page.getByLabel('How it was given').selectOption('form');
    const nextYear = `${new Date().getFullYear() + 1}-06-30`;
    await page.getByLabel('Valid until').fill(nextYear);
    await page.getByLabel('Evidence note').fill('Intake form, signed at the first session');
    const scan = Buffer.from('%PDF-1.4\n% intake form signed by Lena\n%%EOF\n');
    await page.getByLabel('Evidence file').setInputFiles({ name: 'Lena – intake.pdf', mimeType: 'application/pdf', buffer: scan });
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.getByTestId('toast-success').filter({ hasText: 'Consent recorded' }).first().waitFor();
    await photoState.getByText(/^Given, until/).waitFor();
    await page.getByTestId('consent-history').getByText('Intake form, signed at the first session').waitFor();
    // The file is kept with the entry and downloads as it was uploaded.
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Evidence: Lena – intake.pdf' }).click();
    const saved = await (await download).createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of saved) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(scan)).toBe(true);

    const states = await apiFromPage<States>(page, 'GET', `/api/contacts/${contact.id}/consents`);
    const photo = states.purposes.find((p) => p.purpose === 'photo_enrichment')!;
    expect(photo).toMatchObject({ granted: true, method: 'form', note: 'Intake form, signed at the first session' });
    expect(photo.expiresAt?.slice(0, 4)).toBe(String(new Date().getFullYear() + 1));
    expect((await apiFromPage<{ hasPhotoConsent: boolean }>(page, 'GET', `/api/contacts/${contact.id}`)).hasPhotoConsent).toBe(true);

    // Withdrawing: no expiry field, the state follows, the history keeps both entries.
    await page.getByLabel('Consent withdrawn').check();
    expect(await page.getByLabel('Valid until').count()).toBe(0);
    await page.getByLabel('How it was given').selectOption('email');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.getByTestId('toast-success').filter({ hasText: 'Withdrawal recorded' }).first().waitFor();
    await photoState.getByText('Withdrawn').waitFor();
    await expect.poll(async () => page.getByTestId('consent-history').locator('li').count()).toBe(2);

    // The contacts list filters on the ledger: Lena has withdrawn photo consent, Omar never gave any.
    await apiFromPage(page, 'POST', '/api/contacts', { name: 'Omar Reyes' });
    await apiFromPage(page, 'PUT', `/api/contacts/${contact.id}/consents/email_ingestion`, { granted: true, method: 'email' });
    await page.goto('/contacts');
    const rows = page.getByRole('table', { name: 'Contacts' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.getByLabel('Consent given for').selectOption('email_ingestion');
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('Lena Park')]);
    await page.getByLabel('Consent given for').selectOption('');
    await page.getByLabel('No consent for').selectOption('email_ingestion');
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('Omar Reyes')]);
    expect(s.apiRequests.some((r) => r.startsWith('GET /api/contacts?') && r.includes('noConsent=email_ingestion'))).toBe(true);
    await page.keyboard.press('Escape');

    await page.goto('/settings');
    const log = page.getByTestId('activity-log');
    await log.getByText('Consent withdrawn: storing their photo — Lena Park').waitFor();
    await page.getByRole('combobox', { name: 'Show' }).selectOption('auth');
    await expect.poll(async () => log.getByText(/Consent/).count()).toBe(0);
    await s.finish('consent-contact-page');
  });
});
