import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

describe('duplicates page', () => {
  it('shows why two contacts look alike, merges them with a chosen name, and undoes the merge from the history', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const first = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Anna Berg', emails: ['anna@example.test'] });
    const second = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', {
      name: 'Anna Bergström',
      emails: ['anna@example.test'],
    });
    await apiFromPage(page, 'POST', '/api/interactions', { contactId: second.id, type: 'meeting', subject: 'First session' });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Duplicates' }).click();
    const group = page.getByTestId('duplicate-group');
    await group.getByText('same email anna@example.test').waitFor();

    // Keep the first contact, with the second's name.
    await group.getByLabel('Name: Anna Bergström').check();
    await group.getByRole('button', { name: 'Merge 2 contacts' }).click();
    await page.getByText('Merged 2 contacts.').waitFor();
    await page.getByText('No likely duplicates').waitFor();
    const merged = await apiFromPage<{ name: string; counts: { interactions: number } }>(page, 'GET', `/api/contacts/${first.id}`);
    expect(merged).toMatchObject({ name: 'Anna Bergström', counts: { interactions: 1 } });

    // Undo from the merge history: both contacts are back as they were.
    const record = page.getByTestId('merge-record');
    await record.getByRole('button', { name: 'Undo merge' }).click();
    await record.getByText('Undone').waitFor();
    const one = await apiFromPage<{ name: string }>(page, 'GET', `/api/contacts/${first.id}`);
    const two = await apiFromPage<{ name: string; counts: { interactions: number } }>(page, 'GET', `/api/contacts/${second.id}`);
    expect(one.name).toBe('Anna Berg');
    expect(two).toMatchObject({ name: 'Anna Bergström', counts: { interactions: 1 } });
    await group.getByText('same email anna@example.test').waitFor();
    await s.finish('duplicates-merge-undo');
  });

  it('fits a phone screen with a group and its comparison', async () => {
    const s = await openSession(browser, { viewport: { width: 390, height: 844 } });
    const { page } = s;
    await signUp(page);
    for (const name of ['Lena Fischer-Hoffmann', 'Lena Fischer']) {
      await apiFromPage(page, 'POST', '/api/contacts', {
        name,
        emails: ['lena.fischer@example.test'],
        phones: ['+49 30 1234567'],
        notes: name,
      });
    }
    await page.goto('/duplicates');
    await page.getByRole('heading', { name: 'Duplicates', level: 1 }).waitFor();
    await page.getByTestId('duplicate-group').getByText('same phone after normalisation').waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await s.finish('duplicates-phone');
  });
});
