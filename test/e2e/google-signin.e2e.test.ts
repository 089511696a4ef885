import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, PASSWORD, signUp, uniqueEmail, waitForApp } from './support/browser.js';

/** "Sign in with Google" against the fake Google of global-setup.ts, which shows its account chooser. */
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

type Me = { user: { email: string; hasGoogle: boolean; hasPassword: boolean; timezone: string } };

/** From our sign-in page to Google's account chooser, as `email` (a known account's button, or typed). */
async function chooseAtGoogle(page: Page, email: string) {
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Sign in with Google' }).click();
  await page.getByRole('heading', { name: 'Choose an account' }).waitFor();
  const known = page.getByRole('button', { name: email, exact: true });
  if (await known.count()) await known.click();
  else {
    await page.getByLabel('Use another account').fill(email);
    await page.getByRole('button', { name: 'Next' }).click();
  }
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in/);
}

describe('Sign in with Google', () => {
  it('creates an account for a new Google account, in the browser time zone, and signs it in again', async () => {
    // Known issue (closing note): signing out while Today's request is in flight can log one 401 for
    // /api/today in the console; nothing on screen shows it. Only that one is tolerated here.
    const s = await openSession(browser, { timezoneId: 'Asia/Tokyo', allowConsole: [/status of 401 .*\/api\/today$/] });
    const { page } = s;
    const email = uniqueEmail('google-new');
    await chooseAtGoogle(page, email);
    await waitForApp(page);
    const me = await apiFromPage<Me>(page, 'GET', '/api/auth/me');
    expect(me.user).toMatchObject({ email, hasGoogle: true, hasPassword: false, timezone: 'Asia/Tokyo' });

    await signOut(page);
    await chooseAtGoogle(page, email);
    await waitForApp(page);
    expect((await apiFromPage<Me>(page, 'GET', '/api/auth/me')).user.email).toBe(email);
    await s.finish('google-signin-new');
  });

  it('asks the password of an existing account with the same email before linking it, and says a wrong one plainly', async () => {
    const s = await openSession(browser, { allowConsole: [/status of 401/] });
    const { page } = s;
    const email = await signUp(page, 'Pat Password');
    await signOut(page);

    await chooseAtGoogle(page, email);
    await page.getByRole('heading', { name: 'Confirm it is your account' }).waitFor();
    await page.getByText(email).waitFor();
    await page.getByLabel('Password').fill('not-my-password-at-all');
    await page.getByRole('button', { name: 'Link and sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The password is incorrect.');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Link and sign in' }).click();
    await waitForApp(page);
    expect((await apiFromPage<Me>(page, 'GET', '/api/auth/me')).user).toMatchObject({ email, hasGoogle: true, hasPassword: true });

    // Linked: Google now signs in directly.
    await signOut(page);
    await chooseAtGoogle(page, email);
    await waitForApp(page);
    await s.finish('google-signin-link');
  });

  it('says plainly why a sign-in was refused', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await page.goto('/api/auth/google/callback?state=not-ours&code=whatever');
    await page.waitForURL(/\/sign-in\?google=expired/);
    await page.getByText('This Google sign-in expired, was already used, or was started in another browser. Try again.').waitFor();
    await s.finish('google-signin-refused');
  });
});
