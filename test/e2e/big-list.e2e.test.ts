import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeBrowser, launchBrowser, openSession, signIn } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

describe('a practice with 10,000 contacts', () => {
  const big = inject('bigUser');
  it.skipIf(!big)('renders only the visible rows and fetches further pages on scroll', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signIn(page, big!.email, big!.password);
    await page.goto('/contacts');
    const table = page.getByRole('table', { name: 'Contacts' });
    const rows = table.locator('tbody tr');
    await rows.first().waitFor();
    const pages = () => s.apiRequests.filter((r) => r.startsWith('GET /api/contacts?'));
    expect(pages().length).toBe(1);
    expect(await rows.count()).toBeLessThan(100);

    const scroller = page.getByTestId('contacts-scroller');
    for (let i = 0; i < 12 && pages().length < 3; i++) {
      await scroller.evaluate((el) => el.scrollBy(0, 4000));
      await page.waitForTimeout(150);
    }
    await expect.poll(() => pages().filter((r) => r.includes('cursor=')).length).toBeGreaterThanOrEqual(2);
    // The total is exact (a count, not the rows loaded so far), while only a few pages were fetched.
    await expect.poll(() => page.getByRole('heading', { name: 'Contacts' }).locator('..').textContent()).toMatch(/10,000 contacts/);
    expect(await rows.count()).toBeLessThan(100);
    // The rows in the DOM are the ones in view, far down the list.
    const firstIndex = Number(await rows.first().getAttribute('aria-rowindex'));
    expect(firstIndex).toBeGreaterThan(100);
    await s.finish('contacts-10k-virtualised');
  });
});
