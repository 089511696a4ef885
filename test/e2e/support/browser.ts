import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../../test-artifacts/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function baseUrl(): string {
  return inject('baseUrl');
}

/** Playwright gives every launch a fresh, temporary --user-data-dir of its own and removes it on close. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function closeBrowser(browser: Browser | undefined) {
  await browser?.close();
}

export type Session = {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  /** Every /api request the page made, as "METHOD path?query". */
  apiRequests: string[];
  /** Saves the screenshot and asserts the console stayed clean; call at the end of every test. */
  finish(name: string): Promise<void>;
};

// Files run in separate processes: start each one's addresses at a random point of the range.
let sessionCount = Math.floor(Math.random() * 250);

export async function openSession(
  browser: Browser,
  options: {
    viewport?: { width: number; height: number };
    colorScheme?: 'light' | 'dark';
    allowConsole?: RegExp[];
    /** The browser's time zone (an IANA name); the machine's when unset. */
    timezoneId?: string;
  } = {},
): Promise<Session> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    timezoneId: options.timezoneId,
    viewport: options.viewport ?? { width: 1280, height: 860 },
    colorScheme: options.colorScheme ?? 'light',
    // Service workers are covered by their own check; here they would hide requests from the page.
    serviceWorkers: 'block',
    // One client address per session (documentation range), trusted from the loopback "proxy".
    extraHTTPHeaders: { 'x-forwarded-for': `198.51.100.${(sessionCount++ % 250) + 1}` },
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const apiRequests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = `${msg.text()} ${msg.location().url ?? ''}`.trim();
    if (!options.allowConsole?.some((re) => re.test(text))) consoleErrors.push(text);
  });
  page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith('/api/')) apiRequests.push(`${req.method()} ${url.pathname}${url.search}`);
  });
  return {
    context,
    page,
    consoleErrors,
    apiRequests,
    async finish(name: string) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
      expect(consoleErrors, 'the browser console shows no errors').toEqual([]);
      await context.close();
    },
  };
}

let counter = 0;
export function uniqueEmail(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}@e2e.test`;
}

export const PASSWORD = 'calm-and-steady-42';

/** Signs up through the real form and waits for the signed-in app. */
export async function signUp(page: Page, name = 'Test Practitioner'): Promise<string> {
  const email = uniqueEmail('user');
  await page.goto('/sign-up');
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await waitForApp(page);
  return email;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForApp(page);
}

/** The signed-in shell is up (works at every width: the skip link is always in the page). */
export async function waitForApp(page: Page) {
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-'));
  await page.getByRole('link', { name: 'Skip to content' }).waitFor({ state: 'attached' });
}

/** Calls the API with the page's own cookies (same session, same CSRF rules as the app). */
export async function apiFromPage<T>(page: Page, method: string, urlPath: string, body?: unknown): Promise<T> {
  const context = page.context();
  const csrf = (await context.cookies()).find((c) => c.name === 'mcrm_csrf')?.value ?? '';
  const res = await context.request.fetch(urlPath, {
    method,
    headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf), origin: baseUrl() },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok()) throw new Error(`${method} ${urlPath} answered ${res.status()}: ${await res.text()}`);
  return (res.status() === 204 ? null : await res.json()) as T;
}
