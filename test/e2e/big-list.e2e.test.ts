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

  it.skipIf(!big)('keeps the search box usable, the chips readable and the selection column in view at every width', async () => {
    const s = await openSession(browser, { viewport: { width: 640, height: 800 } });
    const { page } = s;
    await signIn(page, big!.email, big!.password);
    await page.goto('/contacts');
    const rows = page.getByRole('table', { name: 'Contacts' }).locator('tbody tr');
    await rows.first().waitFor();
    for (const width of [640, 800, 1024, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      const box = await page.getByRole('searchbox', { name: 'Search contacts' }).boundingBox();
      expect(box!.width, `search box at ${width}px`).toBeGreaterThanOrEqual(240);
    }
    // Tag chips keep a readable width (a cut chip was one letter and an ellipsis, ~30 px).
    const chipWidths = await page
      .locator('tbody td[data-column=tags] .chip')
      .evaluateAll((chips) => chips.map((c) => c.getBoundingClientRect().width));
    expect(chipWidths.length).toBeGreaterThan(0);
    expect(Math.min(...chipWidths)).toBeGreaterThanOrEqual(44);

    // Scrolled sideways on a narrow window, the selection checkboxes stay in view.
    await page.setViewportSize({ width: 700, height: 800 });
    const scroller = page.getByTestId('contacts-scroller');
    await scroller.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
    });
    expect(await scroller.evaluate((el) => el.scrollLeft)).toBeGreaterThan(100);
    const frame = (await scroller.boundingBox())!;
    const checkbox = (await rows.first().getByRole('checkbox').boundingBox())!;
    expect(checkbox.x).toBeGreaterThanOrEqual(frame.x);
    expect(checkbox.x + checkbox.width).toBeLessThanOrEqual(frame.x + 80);
    await s.finish('contacts-10k-narrow-scrolled');
  });

  it.skipIf(!big)('selects all matching contacts, not only the loaded ones, up to what one action takes', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signIn(page, big!.email, big!.password);
    await page.goto('/contacts');
    await page.getByRole('table', { name: 'Contacts' }).locator('tbody tr').first().waitFor();
    await page.getByRole('checkbox', { name: 'Select all loaded contacts' }).check();
    await expect.poll(() => page.getByText('100 contacts selected').count()).toBe(1);
    await page.getByRole('button', { name: 'Select all 10,000 matching' }).click();
    await expect.poll(() => page.getByText('1,000 contacts selected').count()).toBe(1);
    await expect.poll(() => page.getByText('1,000 of 10,000 matching contacts selected').count()).toBe(1);
    expect(s.apiRequests.filter((r) => r.startsWith('GET /api/contacts/ids'))).toHaveLength(1);
    await s.finish('contacts-10k-select-all-matching');
  });
});
