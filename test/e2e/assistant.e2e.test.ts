import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

describe('assistant drawer', () => {
  it('opens from anywhere, streams an answer whose citation links to the record, and keeps the conversation', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Sam Sleeper' });
    await apiFromPage(page, 'PUT', `/api/contacts/${contact.id}/consents/ai_processing`, { granted: true, method: 'form' });
    await apiFromPage(page, 'POST', '/api/interactions', {
      contactId: contact.id,
      type: 'meeting',
      subject: 'Session',
      content: 'Insomnia is back this week.',
    });

    await page.goto('/dashboard');
    // The sidebar's button shows the shortcut; the key opens the drawer from any page.
    await page.getByRole('button', { name: 'Assistant A' }).waitFor();
    await page.keyboard.press('a');
    const drawer = page.getByRole('dialog', { name: 'Assistant' });
    const question = drawer.getByLabel('Your question');
    await question.waitFor();
    await question.fill('Which clients mentioned insomnia?');
    await question.press('Enter');

    const answer = drawer.getByTestId('assistant-answer');
    await answer.getByText(/Here is what I found/).waitFor();
    await answer.getByRole('list', { name: 'Sources' }).getByRole('link', { name: 'Sam Sleeper' }).waitFor();
    await answer.getByRole('link', { name: '[1]' }).click();
    await page.waitForURL(`**/contacts/${contact.id}`);
    expect(await drawer.isHidden()).toBe(true);

    // The conversation was kept: reopened from the list after a new one is started.
    await page.getByRole('button', { name: 'Assistant A' }).click();
    await drawer.getByRole('button', { name: 'New' }).click();
    await drawer.getByRole('button', { name: 'Conversations' }).click();
    await drawer
      .getByRole('list', { name: 'Conversations' })
      .getByRole('button', { name: 'Which clients mentioned insomnia?', exact: true })
      .click();
    await drawer
      .getByTestId('assistant-answer')
      .getByText(/Here is what I found/)
      .waitFor();
    await s.finish('assistant-drawer');
  });
});
