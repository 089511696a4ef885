import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

/** The contrast of a form field's border against the page behind it (WCAG formula). */
const BORDER_CONTRAST = `(() => {
  const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)).reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const input = document.querySelector('#main input.input, #main input[type=search], #main input');
  const border = lum(rgb(getComputedStyle(input).borderTopColor));
  const back = lum(rgb(getComputedStyle(input).backgroundColor));
  const canvas = lum(rgb(getComputedStyle(document.body).backgroundColor));
  const ratio = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  return Math.min(ratio(border, back), ratio(border, canvas));
})()`;

describe('accessibility', () => {
  it.each(['light', 'dark'] as const)('form-field borders reach 3:1 contrast in the %s theme', async (colorScheme) => {
    const s = await openSession(browser, { colorScheme });
    const { page } = s;
    await signUp(page);
    await page.goto('/settings');
    await page.getByLabel('Display name').waitFor();
    expect(await page.evaluate<number>(BORDER_CONTRAST)).toBeGreaterThanOrEqual(3);
    await s.finish(`a11y-field-border-${colorScheme}`);
  });

  it('acts on Enter pressed in the palette before the contact results arrive', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const c = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Zaid Okafor' });
    await page.keyboard.press('Control+k');
    const box = page.getByRole('combobox', { name: 'Search contacts and actions' });
    await box.waitFor();
    await box.pressSequentially('zaid oka');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === `/contacts/${c.id}`);
    await page.getByTestId('contact-name').waitFor();
    await s.finish('a11y-palette-early-enter');
  });

  it('the Filters button says how many filters are on', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    await apiFromPage(page, 'POST', '/api/contacts', { name: 'Filter Me', lifecycleStage: 'core_client' });
    await page.goto('/contacts');
    await page.getByRole('button', { name: 'Filters', exact: true }).click();
    const panel = page.getByRole('group', { name: 'Filters' });
    await panel.getByRole('checkbox', { name: 'Core client' }).check();
    await panel.getByLabel('Status').selectOption('active');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Filters, 2 active' }).waitFor();
    await s.finish('a11y-filters-count');
  });
});
