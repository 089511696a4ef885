import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

const toast = (page: Page, text: string) => page.getByTestId('toast-success').filter({ hasText: text }).first().waitFor();
const statValue = async (page: Page, id: string) => Number((await page.getByTestId(id).locator('p').nth(1).textContent())?.replace(/\D/g, ''));

describe('practice work from the browser', () => {
  it('adds a timeline entry and a goal, uploads a photo, and the dashboard follows', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Noor Haddad', lifecycleStage: 'core_client', hasPhotoConsent: true });

    await page.goto('/');
    await page.getByTestId('stat-contacts').waitFor();
    expect(await statValue(page, 'stat-contacts')).toBe(1);
    const sessionsBefore = await statValue(page, 'stat-sessions');

    // Timeline: a session (meeting) added in place.
    await page.goto(`/contacts/${contact.id}?tab=timeline`);
    await page.locator('label', { hasText: 'Session' }).click();
    expect(await page.getByRole('radio', { name: 'Session' }).isChecked()).toBe(true);
    await page.getByLabel('Subject').fill('First breathwork session');
    await page.getByLabel('Details').fill('Box breathing, 4-4-4-4. <b>Calm</b> afterwards.');
    await page.getByRole('button', { name: 'Add session' }).click();
    await toast(page, 'Session added to the timeline.');
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByText('First breathwork session').waitFor();
    await timeline.getByText('Box breathing, 4-4-4-4. <b>Calm</b> afterwards.').waitFor();

    // Goals with a progress bar that moves when the current value changes.
    await page.getByRole('tab', { name: /Goals/ }).click();
    await page.getByLabel('Goal', { exact: true }).fill('Meditate 20 sessions');
    await page.getByLabel('Target (optional)').fill('20');
    await page.getByLabel('Unit').fill('sessions');
    await page.getByRole('button', { name: 'Add goal' }).click();
    await toast(page, 'Goal added.');
    const bar = page.getByRole('progressbar', { name: 'Progress of Meditate 20 sessions' });
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('0');
    await page.getByLabel('Current value of Meditate 20 sessions').fill('5');
    await page.getByLabel('Current value of Meditate 20 sessions').press('Enter');
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('25');

    // Photos: choose a file, see the preview, upload, and it becomes the contact's picture.
    await page.getByRole('tab', { name: 'Photos' }).click();
    const png = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#0d9488' } }).png().toBuffer();
    await page.getByLabel('Choose a photo').setInputFiles({ name: 'noor.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('img', { name: 'Preview of the chosen photo' }).waitFor();
    await page.getByRole('button', { name: 'Upload photo' }).click();
    await toast(page, 'Photo uploaded');
    await page.getByRole('img', { name: 'Photo 1 of Noor Haddad' }).waitFor();
    await page.getByText('Current picture').waitFor();
    await expect.poll(async () => (await apiFromPage<{ photoUrl: string | null }>(page, 'GET', `/api/contacts/${contact.id}`)).photoUrl).toMatch(/^\/api\/photos\//);
    await expect.poll(() => page.locator('#main header img').count()).toBe(1);

    // The dashboard reflects the new session.
    await page.getByRole('link', { name: 'Dashboard' }).first().click();
    await page.getByTestId('stat-sessions').waitFor();
    await expect.poll(() => statValue(page, 'stat-sessions')).toBe(sessionsBefore + 1);
    await s.finish('practice-timeline-goal-photo-dashboard');
  });

  it('creates a task in a project, reorders and completes it, and sees its activity', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    await page.goto('/tasks');
    await page.getByLabel('New project name').fill('Spring retreat');
    await page.getByRole('button', { name: 'Create project' }).click();
    await toast(page, 'Project “Spring retreat” created.');

    for (const title of ['Book the venue', 'Send invitations']) {
      await page.getByRole('button', { name: 'New task' }).click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.getByLabel('Title').fill(title);
      expect(await dialog.getByLabel('Project').inputValue()).not.toBe('');
      await dialog.getByRole('button', { name: 'Add task' }).click();
      await toast(page, 'Task added.');
    }
    const list = page.getByRole('list', { name: 'Tasks' });
    const titles = () => list.locator('li').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    await expect.poll(titles).toEqual([expect.stringContaining('Book the venue'), expect.stringContaining('Send invitations')]);

    // Reorder by dragging the second task above the first; the server keeps the new order.
    await list.locator('li').nth(1).dragTo(list.locator('li').nth(0), { targetPosition: { x: 40, y: 4 } });
    await expect.poll(titles).toEqual([expect.stringContaining('Send invitations'), expect.stringContaining('Book the venue')]);
    expect(s.apiRequests.some((r) => /^POST \/api\/tasks\/[^/]+\/move$/.test(r))).toBe(true);
    await page.reload();
    await expect.poll(titles).toEqual([expect.stringContaining('Send invitations'), expect.stringContaining('Book the venue')]);

    // Complete one, then open it for the activity log.
    await page.getByRole('combobox', { name: 'Status' }).selectOption('all');
    await page.getByRole('checkbox', { name: 'Complete Book the venue' }).check();
    await page.getByRole('checkbox', { name: 'Reopen Book the venue' }).waitFor();
    await page.getByRole('button', { name: 'Book the venue', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Book the venue' });
    const log = dialog.getByRole('list', { name: 'Activity log' });
    await log.getByText(/Status: pending → completed/).waitFor();
    await dialog.getByLabel('New subtask').fill('Compare three venues');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.getByRole('list', { name: 'Subtasks' }).getByText('Compare three venues').waitFor();
    await page.keyboard.press('Escape');

    const project = (await apiFromPage<{ items: { name: string; taskCounts: { completed: number } }[] }>(page, 'GET', '/api/projects')).items[0]!;
    expect(project).toMatchObject({ name: 'Spring retreat', taskCounts: { completed: 1 } });
    await page.getByRole('button', { name: 'Board' }).click();
    await page.getByRole('region', { name: 'Done' }).getByText('Book the venue').waitFor();
    await s.finish('practice-tasks-projects');
  });
});
