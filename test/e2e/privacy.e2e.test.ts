import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, PASSWORD, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

describe('privacy settings', () => {
  it('downloads the export as a dated ZIP', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page, 'Iris Export');
    await apiFromPage(page, 'POST', '/api/contacts', { name: 'Client to export' });
    await page.goto('/settings/privacy');
    await page.getByRole('heading', { name: 'Privacy', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Where your data lives' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Privacy' }).getAttribute('aria-current')).toBe('page');
    expect(await nav.getByRole('link', { name: 'Settings' }).getAttribute('aria-current')).toBeNull();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download export (.zip)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^mindfulcrm-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const bytes = fs.readFileSync((await download.path())!);
    // A ZIP starts with a local file header, and this one names the files it holds.
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(bytes.toString('latin1')).toContain('contacts.jsonl');
    await s.finish('privacy-export');
  });

  it('deletes the account: signed out, and the same email and password no longer sign in', async () => {
    const s = await openSession(browser);
    const { page } = s;
    const email = await signUp(page, 'Ola Leaving');
    await page.goto('/settings/privacy');
    const section = page.getByRole('region', { name: 'Delete your account' });
    const button = section.getByRole('button', { name: 'Delete my account' });
    await section.getByLabel('Your password').fill(PASSWORD);
    expect(await button.isDisabled()).toBe(true);
    await section.getByLabel('Type DELETE to confirm').fill('DELETE');
    await button.click();
    await page.waitForURL(/\/sign-in/);

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Email or password is incorrect');
    s.consoleErrors.splice(0); // the refused sign-in is a 401 the test asked for
    await s.finish('privacy-delete-account');
  });
});
