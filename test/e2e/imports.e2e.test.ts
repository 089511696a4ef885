import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

describe('import wizard', () => {
  it('previews a CSV, lets a column be remapped, imports it and reports a failed row', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    await page.goto('/import');
    const csv = 'Who,Mail,Mobile Phone\nAna Lima,ana@example.test,+49 30 1111\n,,\nBen Ortiz,ben@example.test,\n';
    await page
      .getByLabel('Contacts or calendar file')
      .setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText('3 contacts in this CSV file').waitFor();
    // "Who" and "Mail" are not headers the import knows: map them by hand.
    await page.getByLabel('Import column Who as').selectOption('name');
    await page.getByLabel('Import column Mail as').selectOption('email');
    await page.getByRole('button', { name: 'Show the rows with this mapping' }).click();
    await expect.poll(() => page.getByTestId('import-rows').locator('tbody tr').first().textContent()).toContain('ana@example.test');
    await page.getByLabel('Update them with what the file adds').check();
    await page.getByRole('button', { name: 'Import 3 contacts' }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    const report = await page.getByTestId('import-report').textContent();
    expect(report).toContain('2 created');
    expect(report).toContain('1 failed');
    await page.getByRole('link', { name: 'Download the failed rows' }).waitFor();
    await page.getByRole('link', { name: 'Go to contacts' }).click();
    await page.getByRole('link', { name: 'Ana Lima' }).waitFor();
    await page.getByRole('link', { name: 'Ben Ortiz' }).waitFor();
    expect(await page.getByRole('link', { name: /Export CSV/ }).getAttribute('href')).toMatch(/^\/api\/contacts\/export\.csv/);
    await s.finish('import-wizard');
  });
});
