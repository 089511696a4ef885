import path from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, SCREENSHOT_DIR, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

const toast = (page: Page, text: string) => page.getByTestId('toast-success').filter({ hasText: text }).first().waitFor();
/** A mid-test picture for review; the session's finish() takes the final one and checks the console. */
const snap = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
const statValue = async (page: Page, id: string) =>
  Number((await page.getByTestId(id).locator('p').nth(1).textContent())?.replace(/\D/g, ''));

describe('practice work from the browser', () => {
  it('adds and edits a timeline entry, adds a goal, uploads a photo, and the dashboard follows', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', {
      name: 'Noor Haddad',
      lifecycleStage: 'core_client',
      hasPhotoConsent: true,
    });

    await page.goto('/dashboard');
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

    // Edit it in place: the same form, prefilled; Escape cancels and gives focus back to the Edit button.
    const entryName = 'Edit session First breathwork session';
    await timeline.getByRole('button', { name: entryName }).click();
    const edit = timeline.getByRole('form', { name: entryName });
    expect(await edit.getByLabel('Subject').inputValue()).toBe('First breathwork session');
    expect(await edit.getByRole('radio', { name: 'Session' }).isChecked()).toBe(true);
    await edit.getByLabel('Subject').press('Escape');
    await edit.waitFor({ state: 'detached' });
    await expect.poll(() => timeline.getByRole('button', { name: entryName }).evaluate((el) => el.matches(':focus'))).toBe(true);
    await page.keyboard.press('Enter');
    await edit.getByLabel('Subject').fill('Breathwork, first session');
    await snap(page, 'practice-timeline-edit');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await toast(page, 'Entry updated.');
    await timeline.getByText('Breathwork, first session').waitFor();
    expect(await edit.count()).toBe(0);
    const entries = await apiFromPage<{ items: { type: string; subject: string; content: string }[] }>(
      page,
      'GET',
      `/api/contacts/${contact.id}/interactions`,
    );
    expect(entries.items).toEqual([
      expect.objectContaining({
        type: 'meeting',
        subject: 'Breathwork, first session',
        content: 'Box breathing, 4-4-4-4. <b>Calm</b> afterwards.',
      }),
    ]);

    // An entry logged on the wrong person moves to another contact found by the search.
    const other = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Lina Haddad' });
    const movedName = 'Edit session Breathwork, first session';
    await timeline.getByRole('button', { name: movedName }).click();
    const move = timeline.getByRole('form', { name: movedName }).getByRole('combobox', { name: 'Move to another contact (optional)' });
    await move.fill('lina');
    await timeline.getByRole('option', { name: /Lina Haddad/ }).waitFor();
    await move.press('Enter');
    await timeline.getByText('Saving moves this entry to Lina Haddad’s timeline.').waitFor();
    await timeline.getByRole('button', { name: 'Save changes' }).click();
    await toast(page, 'Entry moved to Lina Haddad’s timeline.');
    const subjectsOf = async (id: string) =>
      (await apiFromPage<{ items: { subject: string }[] }>(page, 'GET', `/api/contacts/${id}/interactions`)).items.map((i) => i.subject);
    expect(await subjectsOf(other.id)).toEqual(['Breathwork, first session']);
    expect(await subjectsOf(contact.id)).toEqual([]);
    await page.getByText('Nothing on the timeline yet.', { exact: false }).waitFor();

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
    const png = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#0d9488' } })
      .png()
      .toBuffer();
    await page.getByLabel('Choose a photo').setInputFiles({ name: 'noor.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('img', { name: 'Preview of the chosen photo' }).waitFor();
    await page.getByRole('button', { name: 'Upload photo' }).click();
    await toast(page, 'Photo uploaded');
    await page.getByRole('img', { name: 'Photo 1 of Noor Haddad' }).waitFor();
    await page.getByText('Current picture').waitFor();
    await expect
      .poll(async () => (await apiFromPage<{ photoUrl: string | null }>(page, 'GET', `/api/contacts/${contact.id}`)).photoUrl)
      .toMatch(/^\/api\/photos\//);
    await expect.poll(() => page.locator('#main header img').count()).toBe(1);

    // The dashboard reflects the new session.
    await page.getByRole('link', { name: 'Dashboard' }).first().click();
    await page.getByTestId('stat-sessions').waitFor();
    await expect.poll(() => statValue(page, 'stat-sessions')).toBe(sessionsBefore + 1);
    await s.finish('practice-timeline-goal-photo-dashboard');
  });

  it('creates a task in a project, reorders and completes it, assigns a contact, and sees its activity', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    await apiFromPage(page, 'POST', '/api/contacts', { name: 'Amara Okafor' });
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
    await list
      .locator('li')
      .nth(1)
      .dragTo(list.locator('li').nth(0), { targetPosition: { x: 40, y: 4 } });
    await expect.poll(titles).toEqual([expect.stringContaining('Send invitations'), expect.stringContaining('Book the venue')]);
    expect(s.apiRequests.some((r) => /^POST \/api\/tasks\/[^/]+\/move$/.test(r))).toBe(true);
    await page.reload();
    await expect.poll(titles).toEqual([expect.stringContaining('Send invitations'), expect.stringContaining('Book the venue')]);

    // Complete one, then open it for the activity log.
    await page.getByRole('combobox', { name: 'Status' }).selectOption('all');
    // The filter refetches the list; clicking before it lands could hit a row about to be replaced.
    await page.waitForLoadState('networkidle');
    // The checkbox is relabelled "Reopen …" as it flips, so click it and look for the new label.
    await page.getByRole('checkbox', { name: 'Complete Book the venue' }).click();
    await expect.poll(() => page.getByRole('checkbox', { name: 'Reopen Book the venue' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Book the venue', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Book the venue' });
    const log = dialog.getByRole('list', { name: 'Activity log' });
    await log.getByText(/Status: To do → Done/).waitFor();
    await dialog.getByLabel('New subtask').fill('Compare three venues');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.getByRole('list', { name: 'Subtasks' }).getByText('Compare three venues').waitFor();

    // Assign a contact found by the server search, from the keyboard, then remove it again.
    const taskId = (await apiFromPage<{ items: { id: string; title: string }[] }>(page, 'GET', '/api/tasks')).items.find(
      (t) => t.title === 'Book the venue',
    )!.id;
    const taskContacts = async () =>
      (await apiFromPage<{ contacts: { name: string }[] }>(page, 'GET', `/api/tasks/${taskId}`)).contacts.map((c) => c.name);
    const picker = dialog.getByRole('combobox', { name: 'Add a contact' });
    await picker.fill('zzz');
    await picker.press('Escape');
    expect(await picker.inputValue()).toBe('');
    expect(await dialog.isVisible()).toBe(true);
    await picker.fill('amara');
    await dialog.getByRole('option', { name: /Amara Okafor/ }).waitFor();
    await picker.press('Enter');
    await toast(page, 'Amara Okafor added to the task.');
    const assigned = dialog.getByRole('list', { name: 'Contacts on this task' });
    await assigned.getByRole('link', { name: 'Amara Okafor' }).waitFor();
    await snap(page, 'practice-task-contacts');
    expect(await taskContacts()).toEqual(['Amara Okafor']);
    await assigned.getByRole('button', { name: 'Remove Amara Okafor from this task' }).press('Enter');
    await toast(page, 'Amara Okafor removed from the task.');
    await dialog.getByText('No contacts on this task yet.').waitFor();
    expect(await taskContacts()).toEqual([]);
    await page.keyboard.press('Escape');

    const project = (await apiFromPage<{ items: { name: string; taskCounts: { completed: number } }[] }>(page, 'GET', '/api/projects'))
      .items[0]!;
    expect(project).toMatchObject({ name: 'Spring retreat', taskCounts: { completed: 1 } });
    await page.getByRole('button', { name: 'Board' }).click();
    await page.getByRole('region', { name: 'Done' }).getByText('Book the venue').waitFor();
    await s.finish('practice-tasks-projects');
  });
});
