import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

describe('calendar feed settings', () => {
  it('turns the feed on, shows its address once, makes a new one after a confirmation, turns it off', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page, 'Cal Feed');
    await apiFromPage(page, 'POST', '/api/contacts', { name: 'Feed Birthday Client', birthday: '1988-03-14' });
    await page.goto('/settings');
    const section = page.getByRole('region', { name: 'Calendar feed' });
    await section.getByRole('button', { name: 'Turn on the calendar feed' }).click();

    const address = section.getByLabel('Your feed address');
    await expect.poll(() => address.inputValue()).toMatch(/\/ics\/[A-Za-z0-9_-]{43}\.ics$/);
    const first = await address.inputValue();
    await section.getByText('Keep it secret').waitFor();
    // The address works without the session (a plain fetch, no cookies), as a calendar app fetches it.
    const feed = await fetch(first);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('Birthday: Feed Birthday Client');

    await section.getByRole('button', { name: 'Make a new address' }).click();
    await section.getByRole('button', { name: 'Yes, make a new address' }).click();
    await expect.poll(() => address.inputValue()).not.toBe(first);
    expect((await fetch(first)).status).toBe(404);

    await section.getByRole('button', { name: 'Turn off' }).click();
    await section.getByRole('button', { name: 'Turn on the calendar feed' }).waitFor();
    expect(await section.getByLabel('Your feed address').count()).toBe(0);
    await s.finish('ics-feed-settings');
  });
});
