import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { apiFromPage, closeBrowser, launchBrowser, openSession, SCREENSHOT_DIR, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

type Detail = { id: string; name: string; notes: string; version: number };

const nameField = (page: Page) => page.getByLabel('Name', { exact: true });
const notesField = (page: Page) => page.getByLabel('Notes', { exact: true });
const saveButton = (page: Page) => page.getByRole('button', { name: 'Save changes' });
const conflictNotice = (page: Page) => page.getByRole('alert').filter({ hasText: 'changed elsewhere while you were editing' });
const row = (page: Page, label: string) =>
  page.getByRole('table', { name: 'What changed' }).getByRole('row', { name: new RegExp(`^${label}`) });

describe('stale writes', () => {
  it('shows what changed when two tabs edit one contact, keeps mine on request, and takes theirs on request', async () => {
    // The refused save is a 409 the browser reports in the console; nothing else may be.
    const s = await openSession(browser, { allowConsole: [/status of 409/] });
    const tabA = s.page;
    await signUp(tabA);
    const contact = await apiFromPage<Detail>(tabA, 'POST', '/api/contacts', { name: 'Rosa Original' });
    expect(contact.version).toBe(1);
    const tabB = await s.context.newPage();
    for (const page of [tabA, tabB]) {
      await page.goto(`/contacts/${contact.id}`);
      await nameField(page).waitFor();
    }

    // Tab A saves a new name (version 2).
    await nameField(tabA).fill('Rosa Renamed');
    await saveButton(tabA).click();
    await tabA.getByText('Contact saved.').waitFor();

    // Tab B, still on version 1, saves notes: refused, with the difference field by field.
    await notesField(tabB).fill('Typed in tab B');
    await saveButton(tabB).click();
    await conflictNotice(tabB).waitFor();
    expect(await row(tabB, 'Name').textContent()).toContain('Rosa Renamed');
    expect(await row(tabB, 'Name').textContent()).toContain('Rosa Original');
    expect(await row(tabB, 'Notes').textContent()).toContain('Typed in tab B');
    expect((await apiFromPage<Detail>(tabB, 'GET', `/api/contacts/${contact.id}`)).notes).toBe('');
    // What was typed is still in the form while the person decides.
    expect(await notesField(tabB).inputValue()).toBe('Typed in tab B');
    await tabB.screenshot({ path: path.join(SCREENSHOT_DIR, 'stale-write-conflict.png') });

    // Keep mine: tab B's form is saved over version 2.
    await tabB.getByRole('button', { name: 'Keep mine' }).click();
    await tabB.getByText('Contact saved.').waitFor();
    await conflictNotice(tabB).waitFor({ state: 'detached' });
    const afterKeep = await apiFromPage<Detail>(tabB, 'GET', `/api/contacts/${contact.id}`);
    expect(afterKeep).toMatchObject({ name: 'Rosa Original', notes: 'Typed in tab B', version: 3 });

    // Tab A (still on version 2) edits the notes: refused; Take theirs shows tab B's contact.
    await notesField(tabA).fill('Typed in tab A');
    await saveButton(tabA).click();
    await conflictNotice(tabA).waitFor();
    await tabA.getByRole('button', { name: 'Take theirs' }).click();
    await conflictNotice(tabA).waitFor({ state: 'detached' });
    expect(await nameField(tabA).inputValue()).toBe('Rosa Original');
    expect(await notesField(tabA).inputValue()).toBe('Typed in tab B');
    // What tab A typed is not lost: it is listed to copy back.
    await tabA.getByText('Your replaced edits').waitFor();
    expect(await tabA.getByText('Typed in tab A').count()).toBeGreaterThan(0);
    expect((await apiFromPage<Detail>(tabA, 'GET', `/api/contacts/${contact.id}`)).version).toBe(3);

    // Saving from the taken version works without a conflict.
    await nameField(tabA).fill('Rosa Final');
    await saveButton(tabA).click();
    await expect.poll(async () => (await apiFromPage<Detail>(tabA, 'GET', `/api/contacts/${contact.id}`)).version).toBe(4);
    expect((await apiFromPage<Detail>(tabA, 'GET', `/api/contacts/${contact.id}`)).name).toBe('Rosa Final');
    await tabB.close();
    await s.finish('stale-write-taken');
  });
});
