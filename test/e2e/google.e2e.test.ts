import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

/** The server talks to the fake Google of global-setup.ts, seeded with the demo calendars (demo-google.ts). */
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

type Timeline = { items: { subject: string; source: string }[] };

describe('Google Calendar in the web app', () => {
  it('connects Google, syncs the calendar with progress, and puts sessions on the timelines of consenting clients only', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page, 'Gia Google');
    const anna = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Anna Calendar', emails: ['Anna@Example.com'] });
    await apiFromPage(page, 'PUT', `/api/contacts/${anna.id}/consents/calendar_ingestion`, { granted: true, method: 'form' });
    // Ben's sessions are in the calendar too, but his calendar consent was never recorded.
    const ben = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Ben Calendar', emails: ['ben@example.com'] });

    await page.goto('/settings');
    await page.getByRole('link', { name: 'Connect Google Calendar' }).click();
    // To Google's consent page and back: the fake approves as the demo account.
    await page.getByTestId('toast-success').filter({ hasText: 'Google connected.' }).first().waitFor();
    const section = page.getByRole('region', { name: 'Google' });
    await section.getByText('you@gmail.test').waitFor();
    const main = section.getByRole('checkbox', { name: /primary|you@gmail\.test/ });
    await main.first().waitFor();
    if (!(await main.first().isChecked())) await main.first().check();

    await section.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(async () => section.getByText(/^Last sync: (?!never)/).count(), { timeout: 30_000 }).toBe(1);

    const timeline = await apiFromPage<Timeline>(page, 'GET', `/api/contacts/${anna.id}/interactions?limit=50`);
    expect(timeline.items.filter((i) => i.source === 'calendar').map((i) => i.subject)).toEqual(
      expect.arrayContaining(['Session with Anna']),
    );
    expect((await apiFromPage<Timeline>(page, 'GET', `/api/contacts/${ben.id}/interactions?limit=50`)).items).toEqual([]);

    await page.goto(`/contacts/${anna.id}?tab=timeline`);
    await page.getByRole('list', { name: 'Timeline' }).getByText('Session with Anna').first().waitFor();

    // The dashboard's upcoming sessions: Anna's synced sessions of the next 7 days, linked to her;
    // none of Ben's (no consent, so never stored).
    await page.goto('/dashboard');
    const upcoming = page.getByRole('list', { name: 'Upcoming sessions' });
    await upcoming.getByText('Session with Anna').first().waitFor();
    expect(await upcoming.getByText('Video session with Ben').count()).toBe(0);
    expect(await upcoming.getByText('Weekend retreat').count()).toBe(0);
    await upcoming.getByRole('link', { name: 'Anna Calendar' }).first().click();
    await page.waitForURL(new RegExp(`/contacts/${anna.id}`));
    await page.getByRole('heading', { name: 'Anna Calendar' }).first().waitFor();
    await s.finish('google-calendar');
  });
});
