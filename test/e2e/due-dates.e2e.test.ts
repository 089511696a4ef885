import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

type Activity = { items: { action: string; changes: Record<string, unknown> }[] };

// West of UTC, east of it, and the two extremes: a due day must never move in any of them.
const ZONES = ['America/Los_Angeles', 'Europe/Paris', 'Australia/Sydney', 'Pacific/Kiritimati'];

// A day a month ahead of today (UTC), in the future in every zone: a fixed date became overdue, and
// so a different line, once the real clock passed it (this test runs on the real clock).
const DUE = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
// How the list shows it: the browser's medium date style (the test browser's locale is en-US).
const DUE_LABEL = `Due ${new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${DUE}T12:00:00Z`))}`;

describe('task due dates', () => {
  it.each(ZONES)('a task keeps its due day through edits in %s', async (zone) => {
    const s = await openSession(browser, { timezoneId: zone });
    const { page } = s;
    await signUp(page);
    await apiFromPage(page, 'PATCH', '/api/auth/me', { timezone: zone });
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(zone);

    await page.goto('/tasks');
    await page.getByRole('button', { name: 'New task' }).click();
    const create = page.getByRole('dialog', { name: 'New task' });
    await create.getByLabel('Title').fill('Book the retreat venue');
    await create.getByLabel('Due date').fill(DUE);
    await create.getByRole('button', { name: 'Add task' }).click();
    const list = page.getByRole('list', { name: 'Tasks' });
    await list.getByText(DUE_LABEL).waitFor();

    const open = async () => {
      await page.getByRole('button', { name: 'Book the retreat venue', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Book the retreat venue' });
      await dialog.getByLabel('Due date').waitFor();
      return dialog;
    };
    let dialog = await open();
    expect(await dialog.getByLabel('Due date').inputValue()).toBe(DUE);
    await dialog.getByLabel('Description').fill('Ask about the garden room.');
    await dialog.getByRole('button', { name: 'Save task' }).click();
    await page.getByTestId('toast-success').filter({ hasText: 'Task saved.' }).first().waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await page.reload();
    await list.getByText(DUE_LABEL).waitFor();
    dialog = await open();
    expect(await dialog.getByLabel('Due date').inputValue()).toBe(DUE);
    expect(await dialog.getByLabel('Description').inputValue()).toBe('Ask about the garden room.');

    const task = (await apiFromPage<{ items: { id: string; dueAt: string }[] }>(page, 'GET', '/api/tasks')).items[0]!;
    const activity = await apiFromPage<Activity>(page, 'GET', `/api/tasks/${task.id}/activity`);
    const edits = activity.items.filter((a) => a.action !== 'created');
    expect(edits.some((a) => 'dueAt' in a.changes)).toBe(false);
    expect(edits.some((a) => 'description' in a.changes)).toBe(true);
    // The server agrees: the task is due on that day in the practitioner's zone.
    const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    expect(dayOf.format(new Date(task.dueAt))).toBe(DUE);
    await s.finish(`due-date-${zone.replace('/', '-')}`);
  });
});
