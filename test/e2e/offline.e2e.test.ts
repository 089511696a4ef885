import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp, waitForApp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

// Failed fetches print "net::ERR_…" lines in the console; they are the point of this test.
const NETWORK_NOISE = [/net::ERR_/, /Failed to load resource/];

describe('a dropped network is not a sign-out', () => {
  it('reloading while the server is unreachable shows "offline, retrying" and recovers by itself', async () => {
    const s = await openSession(browser, { allowConsole: NETWORK_NOISE });
    const { page } = s;
    await signUp(page);
    await apiFromPage(page, 'POST', '/api/contacts', { name: 'Lea Offline' });
    await page.goto('/contacts');
    await page.getByText('Lea Offline').first().waitFor();

    // The server cannot be reached (the page itself still loads, as from the service worker).
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    const attempts = () => s.apiRequests.filter((r) => r.startsWith('GET /api/auth/me')).length;
    const before = attempts();
    await page.reload();
    const banner = page.getByTestId('offline-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Offline — retrying');
    // It keeps trying, and never shows the sign-in page meanwhile.
    await expect.poll(attempts).toBeGreaterThanOrEqual(before + 3);
    expect(new URL(page.url()).pathname).toBe('/contacts');
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(0);

    await page.unroute('**/api/**');
    await waitForApp(page);
    await page.getByText('Lea Offline').first().waitFor();
    await banner.waitFor({ state: 'detached' });
    expect(new URL(page.url()).pathname).toBe('/contacts');
    await s.finish('offline-reload-recovers');
  });

  it('while the browser is offline a note is queued, and saved when the connection returns', async () => {
    const s = await openSession(browser, { allowConsole: NETWORK_NOISE });
    const { page, context } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Kai Queue' });
    await page.goto(`/contacts/${contact.id}?tab=timeline`);
    await page.getByLabel('Subject').waitFor();

    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    await page.getByLabel('Subject').fill('Typed on the train');
    await page.getByRole('button', { name: /^Add / }).click();
    expect(new URL(page.url()).pathname).toBe(`/contacts/${contact.id}`);

    await context.setOffline(false);
    await page.getByRole('list', { name: 'Timeline' }).getByText('Typed on the train').waitFor();
    await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
    const items = await apiFromPage<{ items: { subject: string }[] }>(page, 'GET', `/api/contacts/${contact.id}/interactions`);
    expect(items.items.map((i) => i.subject)).toEqual(['Typed on the train']);
    await s.finish('offline-queued-note');
  });

  it('a save whose answer was lost on the way back is not written twice when sent again', async () => {
    const s = await openSession(browser, { allowConsole: NETWORK_NOISE, timezoneId: 'America/Los_Angeles' });
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Uma Unsure' });
    await page.goto(`/contacts/${contact.id}?tab=timeline`);
    await page.getByLabel('Subject').fill('Breathwork session');
    // The request reaches the server and is saved, but the connection drops before the answer.
    let dropped = 0;
    await page.route('**/api/interactions', async (route) => {
      if (route.request().method() !== 'POST' || dropped++ > 0) return route.fallback();
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByRole('button', { name: /^Add / }).click();
    await expect.poll(() => dropped).toBe(1);
    // Whatever the form shows meanwhile, sending the same entry again does not make a second one.
    await expect.poll(() => page.getByRole('button', { name: /^Add / }).isEnabled()).toBe(true);
    if ((await page.getByLabel('Subject').inputValue()) === 'Breathwork session') await page.getByRole('button', { name: /^Add / }).click();
    await expect
      .poll(
        async () => (await apiFromPage<{ items: { subject: string }[] }>(page, 'GET', `/api/contacts/${contact.id}/interactions`)).items,
      )
      .toEqual([expect.objectContaining({ subject: 'Breathwork session' })]);
    // It was sent twice (by hand or by the offline queue), and written once.
    await expect.poll(() => s.apiRequests.filter((r) => r === 'POST /api/interactions').length).toBeGreaterThanOrEqual(2);
    const timeline = await apiFromPage<{ items: unknown[] }>(page, 'GET', `/api/contacts/${contact.id}/interactions`);
    expect(timeline.items).toHaveLength(1);
    await s.finish('offline-lost-answer-not-duplicated');
  });
});
