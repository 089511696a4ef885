import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

/** The server talks to the fake Google of global-setup.ts, whose demo Drive holds intake notes mentioning anna@example.com. */
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

describe('Google Drive in the web app', () => {
  it('turns Drive on, syncs, and shows the document on the Documents tab of the consenting client only', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page, 'Dora Drive');
    const anna = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Anna Drive', emails: ['anna@example.com'] });
    await apiFromPage(page, 'PUT', `/api/contacts/${anna.id}/consents/document_ingestion`, { granted: true, method: 'form' });
    // Ben shares Anna's address but never consented to document ingestion.
    const ben = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Ben Drive', emails: ['anna@example.com'] });

    await page.goto('/settings');
    await page.getByRole('link', { name: 'Connect Google Calendar' }).click();
    await page.getByTestId('toast-success').filter({ hasText: 'Google connected.' }).first().waitFor();
    const section = page.getByRole('region', { name: 'Google' });
    await section.getByRole('link', { name: 'Turn on Drive' }).click();
    await page.getByTestId('toast-success').filter({ hasText: 'Google connected.' }).first().waitFor();
    await section.getByRole('button', { name: 'Sync Drive now' }).click();
    await expect.poll(async () => section.getByText(/^Last Drive sync: (?!never)/).count(), { timeout: 30_000 }).toBe(1);

    await page.goto(`/contacts/${anna.id}`);
    await page.getByRole('tab', { name: 'Documents' }).click();
    const list = page.getByRole('list', { name: 'Documents' });
    const link = list.getByRole('link', { name: 'Intake notes' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('https://docs.example.test/anna-intake-doc/view');
    await list.getByText(/wants to run 5 km by June/).waitFor();

    await page.goto(`/contacts/${ben.id}?tab=documents`);
    await page.getByText(/^No documents yet/).waitFor();
    expect(await page.getByRole('list', { name: 'Documents' }).getByRole('listitem').count()).toBe(0);
    await s.finish('drive-documents');
  });
});
