import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, baseUrl, SCREENSHOT_DIR, closeBrowser, launchBrowser, openSession, signUp, waitForApp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

// Expressions run in the page (strings: this file is type-checked without the DOM library).
const isDark = (page: Page) => page.evaluate<boolean>("document.documentElement.classList.contains('dark')");

describe('app shell', () => {
  it('switches to dark mode and keeps it after a reload', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    expect(await isDark(page)).toBe(false);
    await page.goto('/settings');
    await page.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(() => isDark(page)).toBe(true);
    await expect
      .poll(async () => (await apiFromPage<{ user: { settings: { theme: string } } }>(page, 'GET', '/api/auth/me')).user.settings.theme)
      .toBe('dark');
    await page.reload();
    await waitForApp(page);
    expect(await isDark(page)).toBe(true);
    // The sidebar toggle cycles dark → system (the context asks for light) → light.
    await page
      .getByRole('button', { name: /^Theme: Dark/ })
      .first()
      .click();
    await expect.poll(() => isDark(page)).toBe(false);
    await page
      .getByRole('button', { name: /^Theme: System/ })
      .first()
      .click();
    await page.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(() => isDark(page)).toBe(true);
    await page.goto('/contacts');
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await s.finish('shell-dark-mode');
  });

  it('drives the command palette and shortcuts with the keyboard only', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const zora = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Zora Keyes', emails: ['zora@example.test'] });

    const palette = page.getByRole('combobox', { name: 'Search contacts and actions' });
    // Typing starts once the box has focus, as a person would see the caret first.
    const openPalette = async () => {
      await page.keyboard.press('Control+K');
      await palette.waitFor();
      await expect.poll(() => palette.evaluate((el) => el.matches(':focus'))).toBe(true);
    };
    await openPalette();
    await page.keyboard.type('zora');
    await page.getByRole('option', { name: /Zora Keyes/ }).waitFor();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/contacts/${zora.id}`);
    await page.getByTestId('contact-name').filter({ hasText: 'Zora Keyes' }).waitFor();

    await openPalette();
    await page.keyboard.type('new contact');
    await expect
      .poll(() => page.getByRole('listbox', { name: 'Results' }).getByRole('option', { selected: true }).textContent())
      .toContain('New contact');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New contact' });
    await dialog.waitFor();
    await page.keyboard.type('Yara Lind');
    await page.keyboard.press('Enter');
    await page.getByTestId('toast-success').filter({ hasText: 'Added Yara Lind.' }).waitFor();

    // "g t" goes to Tasks, "g c" to Contacts, "/" focuses the contact search.
    await page.locator('body').focus();
    await page.keyboard.press('g');
    await page.keyboard.press('t');
    await page.waitForURL('**/tasks');
    await page.keyboard.press('g');
    await page.keyboard.press('c');
    await page.waitForURL('**/contacts');
    await page.getByRole('table', { name: 'Contacts' }).waitFor();
    await page.keyboard.press('/');
    await page.keyboard.type('yara');
    await expect
      .poll(() => page.getByRole('table', { name: 'Contacts' }).locator('tbody tr').allTextContents())
      .toEqual([expect.stringContaining('Yara Lind')]);
    await page.keyboard.press('Tab'); // out of the search box: single-key shortcuts never fire while typing
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await s.finish('shell-keyboard-palette');
  });

  it('works at phone width on every main page', async () => {
    const s = await openSession(browser, { viewport: { width: 390, height: 844 } });
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Mila Novak', emails: ['mila@example.test'] });
    const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    // The content scrolls inside the shell; the window itself never scrolls past its height (an
    // off-screen chart table once made the whole dashboard scroll away from the header).
    const overflowDown = () => page.evaluate<number>('document.documentElement.scrollHeight - window.innerHeight');

    for (const [url, heading, shot] of [
      ['/', 'Today', 'today'],
      ['/dashboard', 'Dashboard', 'dashboard'],
      ['/contacts', 'Contacts', 'contacts'],
      [`/contacts/${contact.id}`, 'Mila Novak', 'contact'],
      ['/tasks', 'Tasks', 'tasks'],
      ['/settings', 'Settings', 'settings'],
    ] as const) {
      await page.goto(url);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      expect(await overflow(), `no sideways scrolling on ${url}`).toBeLessThanOrEqual(0);
      expect(await overflowDown(), `the window does not scroll past its height on ${url}`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `phone-${shot}.png`) });
    }
    // The menu replaces the sidebar on a phone.
    await page.getByRole('button', { name: 'Open menu' }).click();
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.waitForURL('**/contacts');
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await s.finish('shell-phone-width');
  });

  it('is installable and loads the first page under the JavaScript budget', async () => {
    const manifest = (await (await fetch(`${baseUrl()}/manifest.webmanifest`)).json()) as { icons: { sizes: string }[] };
    expect(manifest).toMatchObject({ name: 'MindfulCRM', display: 'standalone', start_url: '/' });
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));

    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    // A fresh page load of the first route (Today): every script it fetched, gzipped as a server would send it.
    const urls = new Set<string>();
    page.on('request', (req) => {
      if (req.resourceType() === 'script') urls.add(req.url());
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    const scripts = new Map<string, number>();
    for (const url of urls) scripts.set(url, gzipSync(Buffer.from(await (await fetch(url)).arrayBuffer())).length);
    const total = [...scripts.values()].reduce((a, b) => a + b, 0);
    console.log(`first route: ${[...scripts].map(([u, n]) => `${u.split('/').pop()} ${(n / 1024).toFixed(1)} KB`).join(', ')}`);
    expect(scripts.size).toBeGreaterThan(0);
    expect(total, `first-route JavaScript is ${(total / 1024).toFixed(1)} KB gzipped`).toBeLessThan(250 * 1024);
    // The contacts table code is not part of the first route.
    expect([...scripts.keys()].some((u) => u.includes('contacts.page'))).toBe(false);
    await s.finish('shell-budget');

    // The service worker installs and caches the shell (its own context: the others block workers).
    const context = await browser.newContext({ baseURL: baseUrl() });
    const swPage = await context.newPage();
    await swPage.goto('/sign-in');
    expect(await swPage.evaluate<string>('navigator.serviceWorker.ready.then((r) => r.scope)')).toBe(`${baseUrl()}/`);
    await expect.poll(() => swPage.evaluate<boolean>("caches.keys().then((k) => k.includes('mcrm-shell-v1'))")).toBe(true);
    await context.close();
  });
});
