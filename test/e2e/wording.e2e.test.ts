import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

const RAW_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('messages written for a person', () => {
  it('names the field as the form does, counts long text, and writes the task log in words', async () => {
    const s = await openSession(browser, { allowConsole: [/status of 400/] });
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Ana Lima' });

    await page.goto(`/contacts/${contact.id}`);
    const cadence = page.getByLabel('Keep in touch every');
    await cadence.fill('2.5');
    await cadence.press('Enter');
    // The form checks it before anything is sent, next to the field, in words.
    const message = page.getByText('Enter a whole number of days from 1 to 3650');
    await message.waitFor();
    expect(await page.locator('body').textContent()).not.toMatch(/body\.|Invalid input|expected int/);

    // Long text states its limit next to the field and counts as you type.
    const notes = page.getByLabel('Notes', { exact: true });
    await notes.fill('Prefers mornings.');
    await page.getByText('17 / 20,000 characters').waitFor();

    // The task log: people, projects and dates in words; no raw ids, field keys or objects.
    const project = await apiFromPage<{ id: string }>(page, 'POST', '/api/projects', { name: 'Spring retreat' });
    const task = await apiFromPage<{ id: string }>(page, 'POST', '/api/tasks', {
      title: 'Book the hall',
      dueAt: '2030-12-03T17:00:00.000Z',
    });
    await apiFromPage(page, 'PATCH', `/api/tasks/${task.id}`, {
      projectId: project.id,
      contactIds: [contact.id],
      dueAt: '2030-12-04T17:00:00.000Z',
    });
    await page.goto('/tasks');
    await page.getByRole('button', { name: 'Book the hall', exact: true }).click();
    const log = page.getByRole('dialog', { name: 'Book the hall' }).getByRole('list', { name: 'Activity log' });
    await log.getByText('Project: — → Spring retreat').waitFor();
    await log.getByText('People: nobody → Ana Lima').waitFor();
    await log
      .getByText(/^Due: .*2030.* → .*2030/)
      .first()
      .waitFor();
    const text = (await log.textContent()) ?? '';
    expect(text).not.toMatch(RAW_ID);
    expect(text).not.toContain('[object Object]');
    expect(text).not.toMatch(/DueAt|ProjectId|ContactIds/);
    await s.finish('wording-messages');
  });

  it('starts a new account in the browser’s time zone, and the settings field searches every zone', async () => {
    const s = await openSession(browser, { timezoneId: 'Australia/Sydney' });
    const { page } = s;
    await signUp(page);
    const me = await apiFromPage<{ user: { timezone: string } }>(page, 'GET', '/api/auth/me');
    expect(me.user.timezone).toBe('Australia/Sydney');
    await page.goto('/settings');
    const field = page.getByLabel('Time zone');
    expect(await field.inputValue()).toBe('Australia/Sydney');
    const options = await page.locator('#tz-list option').count();
    expect(options).toBeGreaterThan(300);
    await s.finish('wording-time-zone');
  });

  it('does not mention features that do not exist yet', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Ana Lima' });
    await page.goto('/dashboard');
    await page.getByTestId('stat-contacts').waitFor();
    expect(await page.locator('#main').textContent()).not.toMatch(/Gmail|response rate/i);
    await page.goto(`/contacts/${contact.id}`);
    await page.getByText('Photos of this person may be stored').waitFor();
    // AI exists since issue 14 (FEATURES.ai): its consent and insights are offered.
    await page.getByText('AI may read this contact’s data (insights, suggestions)').waitFor();
    await page.goto('/contacts');
    await page.getByRole('button', { name: 'Filters', exact: true }).click();
    await page.getByText('AI consent').first().waitFor();
    // The Filters button announces how many filters are on.
    await page.getByLabel('Photo consent').selectOption('true');
    await page.getByRole('button', { name: 'Filters, 1 active' }).waitFor();
    await s.finish('wording-no-missing-features');
  });
});
