import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

const DAY = 86_400_000;
const ZONE = 'Asia/Kolkata'; // UTC+5:30 all year: never the browser's own zone here
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

describe('the Today view', () => {
  it('opens first, shows sessions in the account time zone, ranks people to reconnect with, acts in one tap, and links every figure', async () => {
    const s = await openSession(browser, { viewport: { width: 1280, height: 900 } });
    const { page } = s;
    await signUp(page, 'Asha Rao');
    await apiFromPage(page, 'PATCH', '/api/auth/me', { timezone: ZONE });
    const contact = (body: Record<string, unknown>) => apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', body);
    const met = (contactId: string, msAgo: number) =>
      apiFromPage(page, 'POST', '/api/interactions', { contactId, type: 'meeting', occurredAt: iso(msAgo) });

    // Lou is 4× past a 10-day rhythm, Olga 28× past 14 days: both capped at 3×, the more recent first; Rita 1.5×.
    const olga = await contact({
      name: 'Olga Old',
      lifecycleStage: 'core_client',
      phones: ['+1 (415) 555-0101'],
      emails: ['olga@example.test'],
    });
    await met(olga.id, 400 * DAY);
    const rita = await contact({ name: 'Rita Recent', lifecycleStage: 'core_client', keepInTouchDays: 10 });
    await met(rita.id, 15 * DAY);
    const lou = await contact({ name: 'Lou Lapsed', lifecycleStage: 'core_client', keepInTouchDays: 10 });
    await met(lou.id, 40 * DAY);
    const localToday = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
    const year = Number(localToday.slice(0, 4)) - 28;
    await contact({ name: 'Bea Birthday', birthday: `${year}${localToday.slice(4)}` });
    const startsAt = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    await apiFromPage(page, 'POST', '/api/calendar/events', { title: 'Morning flow', startsAt, contactId: rita.id });
    await apiFromPage(page, 'POST', '/api/calendar/events', { title: 'Breathwork', startsAt: new Date(Date.now() + DAY).toISOString() });
    await apiFromPage(page, 'POST', '/api/tasks', { title: 'Send the retreat invoice', dueAt: iso(3 * DAY) });

    await page.goto('/');
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    // First in the navigation.
    const nav = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    expect(await nav.first().textContent()).toBe('Today');

    // Sessions: today's and tomorrow's, at the time of the account's zone.
    const todayList = page.getByRole('list', { name: 'Sessions today' });
    await todayList.getByText('Morning flow').waitFor();
    await todayList.getByRole('link', { name: 'with Rita Recent' }).waitFor();
    const expectedTime = await page.evaluate(
      ([at, tz]) => new Intl.DateTimeFormat(undefined, { timeStyle: 'short', timeZone: tz }).format(new Date(at!)),
      [startsAt, ZONE],
    );
    expect(await todayList.locator('li').first().textContent()).toContain(expectedTime);
    await page.getByRole('list', { name: 'Sessions tomorrow' }).getByText('Breathwork').waitFor();

    // Reconnect: ranked relative to each rhythm, capped, with tap-to-call and tap-to-email.
    const reconnect = page.getByRole('list', { name: 'Clients to reconnect with' });
    await expect
      .poll(() => reconnect.locator('li a[href^="/contacts/"]').allTextContents())
      .toEqual(['Lou Lapsed', 'Olga Old', 'Rita Recent']);
    expect(await reconnect.getByRole('link', { name: 'Call Olga Old' }).getAttribute('href')).toBe('tel:+14155550101');
    expect(await reconnect.getByRole('link', { name: 'Email Olga Old' }).getAttribute('href')).toBe('mailto:olga@example.test');
    expect(await reconnect.textContent()).not.toMatch(/\d{3,} days overdue/);
    await page.getByRole('list', { name: 'Birthdays' }).getByText('turns 28 today').waitFor();
    expect(await page.getByTestId('today-due').textContent()).toContain('3');

    // Every figure opens the list behind it.
    await page.getByTestId('today-due').click();
    await page.waitForURL((url) => url.pathname === '/contacts');
    await page.getByText('Showing people to reconnect with.').waitFor();
    // An exact total, never "100+".
    await page.getByText('3 contacts match').waitFor();
    const main = page.locator('#main');
    await expect.poll(() => main.textContent()).toMatch(/Lou Lapsed[\s\S]*Olga Old[\s\S]*Rita Recent/);
    expect(await main.textContent()).not.toContain('Bea Birthday');
    await page.goBack();
    await page.getByTestId('today-overdue').click();
    await page.waitForURL((url) => url.pathname === '/tasks');
    await page.getByRole('heading', { name: 'Tasks', level: 1 }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Due', exact: true }).inputValue()).toBe('overdue');
    await page.getByText('Send the retreat invoice').waitFor();
    await page.goBack();

    // One tap each: log a session, snooze, done. Each person leaves the list.
    await reconnect.getByRole('button', { name: 'Log a session with Rita Recent' }).click();
    await page.getByTestId('toast-success').filter({ hasText: 'Session with Rita Recent logged.' }).waitFor();
    await expect.poll(() => reconnect.locator('li a[href^="/contacts/"]').allTextContents()).toEqual(['Lou Lapsed', 'Olga Old']);
    const timeline = await apiFromPage<{ items: { type: string }[] }>(page, 'GET', `/api/contacts/${rita.id}/interactions`);
    expect(timeline.items.map((i) => i.type)).toEqual(['meeting', 'meeting']);

    await reconnect.getByRole('button', { name: 'Snooze Lou Lapsed for 7 days' }).click();
    await expect.poll(() => reconnect.locator('li a[href^="/contacts/"]').allTextContents()).toEqual(['Olga Old']);
    await reconnect.getByRole('button', { name: 'Done: reached out to Olga Old' }).click();
    await page.getByText('Everyone is within their rhythm. Nicely done.').waitFor();
    expect(await page.getByTestId('today-due').textContent()).toContain('0');
    // The snoozes hold on the server: a reload shows the same.
    await page.reload();
    await page.getByText('Everyone is within their rhythm. Nicely done.').waitFor();
    await s.finish('today-view');
  });

  it('logs a session from any contact page and from the palette, and calls or writes with one tap', async () => {
    const s = await openSession(browser, { viewport: { width: 390, height: 844 } });
    const { page } = s;
    await signUp(page);
    const c = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', {
      name: 'Noor Haddad',
      phones: ['+44 20 7946 0958'],
      emails: ['noor@example.test'],
    });
    await page.goto(`/contacts/${c.id}`);
    await page.getByTestId('contact-name').waitFor();
    expect(await page.getByRole('link', { name: 'Call Noor Haddad' }).getAttribute('href')).toBe('tel:+442079460958');
    expect(await page.getByRole('link', { name: 'Email Noor Haddad' }).getAttribute('href')).toBe('mailto:noor@example.test');
    const sessions = async () =>
      (await apiFromPage<{ items: { type: string }[] }>(page, 'GET', `/api/contacts/${c.id}/interactions`)).items.filter(
        (i) => i.type === 'meeting',
      ).length;

    await page.getByRole('button', { name: 'Log session', exact: true }).click();
    await page.getByTestId('toast-success').filter({ hasText: 'Session with Noor Haddad logged.' }).waitFor();
    expect(await sessions()).toBe(1);

    await page.getByRole('button', { name: 'Search contacts and actions' }).click();
    await page.keyboard.type('log session');
    await page.getByRole('option', { name: /Log session with Noor Haddad/ }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(sessions).toBe(2);
    await s.finish('today-log-session-contact');
  });

  it('logs one class for several people in one go, with a note template, in Sydney time', async () => {
    const s = await openSession(browser, { timezoneId: 'Australia/Sydney' });
    const { page } = s;
    await signUp(page, 'Kai Teacher');
    const contact = (name: string) => apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name });
    const [noa, ines] = [await contact('Noa Flow'), await contact('Inès Flow')];
    await contact('Paul Absent');

    await page.goto('/');
    await page.getByRole('button', { name: 'Log a class' }).click();
    const dialog = page.getByRole('dialog', { name: 'Log a class or group session' });
    const who = dialog.getByRole('combobox', { name: 'Who came' });
    // Typed without the accent, found with it.
    for (const [typed, name] of [
      ['Noa', 'Noa Flow'],
      ['ines', 'Inès Flow'],
    ]) {
      await who.fill(typed!);
      await dialog.getByRole('option', { name }).click();
    }
    await expect.poll(() => dialog.getByRole('list', { name: 'People who came' }).getByRole('listitem').count()).toBe(2);
    await dialog.getByLabel('Subject').fill('Sunrise yin');
    await dialog.getByLabel('Details').fill('Cold morning.');
    await dialog.getByRole('group', { name: 'Note templates' }).getByRole('button', { name: 'Class' }).click();
    // The template is added after what was typed, never instead of it.
    expect(await dialog.getByLabel('Details').inputValue()).toMatch(/^Cold morning\.\n\nFocus of the class:/);
    await dialog.getByRole('button', { name: 'Log for 2 people' }).click();
    await page.getByText('Class logged for 2 people.').waitFor();

    for (const id of [noa.id, ines.id]) {
      const timeline = await apiFromPage<{ items: { type: string; subject: string; content: string }[] }>(
        page,
        'GET',
        `/api/contacts/${id}/interactions`,
      );
      expect(timeline.items.map((i) => [i.type, i.subject])).toEqual([['class_attendance', 'Sunrise yin']]);
      expect(timeline.items[0]!.content).toContain('Focus of the class:');
    }
    const all = await apiFromPage<{ items: unknown[] }>(page, 'GET', '/api/interactions');
    expect(all.items).toHaveLength(2);
    await s.finish('today-log-class');
  });
});
