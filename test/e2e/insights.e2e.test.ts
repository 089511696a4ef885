import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe('contact insights panel', () => {
  it('generates insights whose citations open the cited timeline entry, keeps a private note out, and shows usage in settings', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Iris Insight' });
    await apiFromPage(page, 'PUT', `/api/contacts/${contact.id}/consents/ai_processing`, { granted: true, method: 'form' });
    const session = await apiFromPage<{ id: string }>(page, 'POST', '/api/interactions', {
      contactId: contact.id,
      type: 'meeting',
      subject: 'Breathing session',
      content: 'Practised box breathing',
      occurredAt: daysAgo(3),
    });
    const refused = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Nils Noconsent' });

    await page.goto(`/contacts/${contact.id}`);
    const panel = page.getByTestId('insights-panel');
    await panel.getByText('No insights yet').waitFor();
    await panel.getByRole('button', { name: 'Generate insights' }).click();
    await panel.getByRole('heading', { name: 'Summary' }).waitFor();
    expect(await panel.getByText('Made without a model').count()).toBe(0);
    const cite = panel.locator(`[data-citation="${session.id}"]`).first();
    await cite.waitFor();

    // A private note added from the form shows a lock and makes the insights out of date.
    await page.getByRole('tab', { name: /Timeline/ }).click();
    await page.getByLabel('Details').fill('Only for my eyes');
    await page.getByLabel(/Private: shown only to you/).check();
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Note added to the timeline.').waitFor();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByRole('listitem').filter({ hasText: 'Only for my eyes' }).getByText('Private').waitFor();

    await page.getByRole('tab', { name: 'Overview' }).click();
    await panel.getByText('Out of date').waitFor();
    await panel.getByRole('button', { name: 'Refresh insights' }).click();
    await panel.getByText(/^Made /).waitFor();
    expect(await panel.textContent()).not.toContain('Only for my eyes');

    // The citation opens the timeline on the cited entry.
    await panel.locator(`[data-citation="${session.id}"]`).first().click();
    await page.waitForURL((url) => url.searchParams.get('tab') === 'timeline' && url.searchParams.get('focus') === session.id);
    const cited = page.locator(`#record-${session.id}`);
    await cited.waitFor();
    expect(await cited.getAttribute('aria-current')).toBe('true');
    expect(await cited.textContent()).toContain('Breathing session');

    // A contact without consent: a clear state, no button to press.
    await page.goto(`/contacts/${refused.id}`);
    await panel.getByText('has not given consent to AI processing').waitFor();
    expect(await panel.getByRole('button', { name: 'Generate insights' }).isDisabled()).toBe(true);

    await page.goto('/settings');
    const usage = page.getByTestId('ai-usage');
    await usage.getByRole('cell', { name: 'Insights' }).waitFor();
    await usage.getByText(/^Today: /).waitFor();
    await s.finish('insights-panel');
  });
});
