import type { Browser, Dialog } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { apiFromPage, closeBrowser, launchBrowser, openSession, SCREENSHOT_DIR, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

describe('drafts', () => {
  it('keeps unsaved text through tab switches, leaving and reloading, warns before leaving, and drops it on save', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Rosa Draft' });
    await page.goto(`/contacts/${contact.id}?tab=timeline`);
    await page.getByLabel('Subject').fill('Half-typed session note');
    await page.getByLabel('Details').fill('She said the mornings are');

    // Another tab and back: the note is still there.
    await page.getByRole('tab', { name: /Goals/ }).click();
    await page.getByLabel('Goal', { exact: true }).fill('Walk every morning');
    await page.getByRole('tab', { name: /Timeline/ }).click();
    expect(await page.getByLabel('Subject').inputValue()).toBe('Half-typed session note');
    expect(await page.getByLabel('Details').inputValue()).toBe('She said the mornings are');

    // An in-app link away asks first; declining stays, accepting leaves and the draft waits.
    const questions: string[] = [];
    let answer = false;
    const onDialog = (d: Dialog) => {
      questions.push(`${d.type()}: ${d.message()}`);
      void (answer ? d.accept() : d.dismiss());
    };
    page.on('dialog', onDialog);
    const contactsLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' });
    await contactsLink.click();
    await expect.poll(() => questions.length).toBe(1);
    expect(questions[0]).toMatch(/^confirm: You have unsaved changes/);
    expect(new URL(page.url()).pathname).toBe(`/contacts/${contact.id}`);
    answer = true;
    await contactsLink.click();
    await page.waitForURL((url) => url.pathname === '/contacts');
    await page.goBack();
    await page.getByLabel('Subject').waitFor();
    expect(await page.getByLabel('Subject').inputValue()).toBe('Half-typed session note');

    // A reload keeps both drafts (the note and the goal).
    await page.reload();
    await page.getByLabel('Subject').waitFor();
    expect(await page.getByLabel('Details').inputValue()).toBe('She said the mornings are');
    await page.getByRole('tab', { name: /Goals/ }).click();
    expect(await page.getByLabel('Goal', { exact: true }).inputValue()).toBe('Walk every morning');
    await page.getByRole('tab', { name: /Timeline/ }).click();

    // Closing the page with unsaved text gets the browser's "leave site?" prompt.
    await page.getByLabel('Details').fill('She said the mornings are calmer now.');
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => questions.some((q) => q.startsWith('beforeunload'))).toBe(true);

    // Saving drops the draft: a fresh page shows an empty form.
    const again = await s.context.newPage();
    await again.goto(`/contacts/${contact.id}?tab=timeline`);
    await again.getByLabel('Subject').waitFor();
    expect(await again.getByLabel('Details').inputValue()).toBe('She said the mornings are calmer now.');
    await again.getByRole('button', { name: /^Add / }).click();
    await again.getByRole('list', { name: 'Timeline' }).getByText('Half-typed session note').waitFor();
    expect(await again.getByLabel('Subject').inputValue()).toBe('');
    await again.reload();
    await again.getByLabel('Subject').waitFor();
    expect(await again.getByLabel('Subject').inputValue()).toBe('');
    expect(await again.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('mcrm.draft.interaction'))")).toEqual([]);
    await again.screenshot({ path: path.join(SCREENSHOT_DIR, 'drafts-saved.png') });
    expect(s.consoleErrors).toEqual([]);
    await s.context.close();
  });
});
