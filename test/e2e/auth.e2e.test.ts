import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, openSession, PASSWORD, signIn, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

describe('accounts', () => {
  it('signs up, signs out, and signs back in', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await page.goto('/');
    // A first visit goes to the sign-in page without any failing request (it asks which ways to sign in exist).
    await page.waitForURL(/\/sign-in$/);
    await page.getByRole('link', { name: 'Sign in with Google' }).waitFor();
    expect(s.apiRequests).toEqual(['GET /api/auth/providers']);

    const email = await signUp(page, 'Maya Patel');
    await expect.poll(() => page.title()).toContain('Today');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong-password-here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Email or password is incorrect');
    s.consoleErrors.splice(0); // the refused sign-in is a 401 the test asked for

    await signIn(page, email, PASSWORD);
    await expect.poll(() => page.title()).toContain('Today');
    await s.finish('auth-sign-up-and-in');
  });

  it('changes the password, lists sessions and signs out everywhere', async () => {
    const s = await openSession(browser);
    const { page } = s;
    const email = await signUp(page);
    await page.goto('/settings');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill('a-brand-new-secret-7');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed').waitFor();

    const sessions = page.getByRole('region', { name: 'Sessions' });
    await sessions.getByText('This device').waitFor();

    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL(/\/sign-in/);
    await signIn(page, email, 'a-brand-new-secret-7');
    await page.goto('/settings');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await s.finish('auth-password-sessions');
  });
});
