import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

describe('suggestions inbox', () => {
  it('shows a suggestion with the count in the navigation, approves it, and the tag is on the contact', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const tag = await apiFromPage<{ id: string }>(page, 'POST', '/api/tags', { name: 'Pilates' });
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Paula Pilates' });
    // A decision on AI recorded (declined): no "missing consent" suggestion, and nothing of hers goes to the model.
    await apiFromPage(page, 'PUT', `/api/contacts/${contact.id}/consents/ai_processing`, { granted: false, method: 'verbal' });
    for (const days of [9, 2]) {
      await apiFromPage(page, 'POST', '/api/interactions', {
        contactId: contact.id,
        type: 'class_attendance',
        subject: 'Evening Pilates',
        occurredAt: new Date(Date.now() - days * 86_400_000).toISOString(),
      });
    }
    await apiFromPage(page, 'POST', '/api/suggestions/run', {});

    await page.reload();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByLabel('1 pending').waitFor();
    await nav.getByRole('link', { name: /Suggestions/ }).click();
    const card = page.getByRole('listitem', { name: 'Tag Paula Pilates with "Pilates"' });
    await card.getByText('Attended "Evening Pilates" 2 times').waitFor();
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Tag "Pilates" added.').waitFor();
    await page.getByText('No suggestions waiting').waitFor();
    const after = await apiFromPage<{ tags: Array<{ id: string }> }>(page, 'GET', `/api/contacts/${contact.id}`);
    expect(after.tags.map((t) => t.id)).toEqual([tag.id]);

    // The effect is visible on the contact's page, and undo takes it back.
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Undone: the suggestion is back in the inbox.').waitFor();
    await page.getByRole('listitem', { name: 'Tag Paula Pilates with "Pilates"' }).waitFor();
    const undone = await apiFromPage<{ tags: unknown[] }>(page, 'GET', `/api/contacts/${contact.id}`);
    expect(undone.tags).toEqual([]);
    await s.finish('suggestions-approve-undo');
  });

  it('reviews a delegation from a task: edits a draft, approves, and the subtask holds it', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    await apiFromPage(page, 'POST', '/api/contacts', { name: 'Cora Core', lifecycleStage: 'core_client' });
    await apiFromPage(page, 'POST', '/api/contacts', { name: 'Nina New', lifecycleStage: 'new_client' });
    await apiFromPage(page, 'POST', '/api/tasks', { title: 'Announce the retreat', description: 'Retreat in April.' });
    await page.goto('/tasks');
    await page.getByRole('button', { name: 'Announce the retreat', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Announce the retreat' });
    await dialog.getByRole('button', { name: 'Propose subtasks and emails' }).click();
    const core = dialog.getByRole('listitem', { name: 'Segment Core client' });
    await core.getByText('Cora Core').waitFor();
    await core.getByLabel('Email subject').fill('A place for you');
    await dialog.getByRole('listitem', { name: 'Segment New client' }).getByRole('checkbox').uncheck();
    await dialog.getByRole('button', { name: 'Approve and create subtasks' }).click();
    await page.getByText('1 subtask(s) created with their email drafts. Nothing was sent.').waitFor();
    // The browser tests' server drafts with the fake model: "Announce the retreat: Core client".
    await dialog
      .getByRole('list', { name: 'Subtasks' })
      .getByText(/Announce the retreat.*Core client/)
      .waitFor();
    const tasks = await apiFromPage<{ items: Array<{ id: string; title: string }> }>(page, 'GET', '/api/tasks?limit=200');
    const parent = tasks.items.find((t) => t.title === 'Announce the retreat')!;
    const detail = await apiFromPage<{ subtasks: Array<{ description: string }> }>(page, 'GET', `/api/tasks/${parent.id}`);
    expect(detail.subtasks).toHaveLength(1);
    expect(detail.subtasks[0]!.description).toContain('Subject: A place for you');
    await s.finish('delegation-review');
  });
});
