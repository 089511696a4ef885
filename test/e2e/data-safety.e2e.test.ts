import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

const toast = (page: Page, text: string | RegExp) => page.getByTestId('toast-success').filter({ hasText: text }).first().waitFor();
/** Clicks Undo on the toast that names what was done. */
const undo = (page: Page, text: string | RegExp) =>
  page.getByTestId('toast-success').filter({ hasText: text }).first().getByRole('button', { name: 'Undo' }).click();
const png = (colour: string) =>
  sharp({ create: { width: 120, height: 120, channels: 3, background: colour } })
    .png()
    .toBuffer();

describe('nothing typed is lost or silently changed', () => {
  it('Enter in the tag box adds the tag; a dated label without a date and a bad cadence are refused with a message', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    await page.goto('/contacts');
    await page.getByRole('button', { name: 'New contact' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New contact' });
    await dialog.getByLabel('Name').fill('Tomas Keller');
    await dialog.getByLabel('Filter tags').fill('retreat');
    await dialog.getByLabel('Filter tags').press('Enter');
    // The tag is created and chosen; the form is still open (not submitted).
    await dialog.getByRole('checkbox', { name: 'retreat' }).waitFor();
    expect(await dialog.getByRole('checkbox', { name: 'retreat' }).isChecked()).toBe(true);
    expect(await dialog.getByLabel('Filter tags').inputValue()).toBe('');
    await dialog.getByRole('button', { name: 'Add contact' }).click();
    await toast(page, 'Added Tomas Keller.');
    const contacts = await apiFromPage<{ items: { id: string; tags: { name: string }[] }[] }>(page, 'GET', '/api/contacts');
    expect(contacts.items[0]!.tags.map((t) => t.name)).toEqual(['retreat']);
    const id = contacts.items[0]!.id;

    await page.goto(`/contacts/${id}`);
    await page.getByRole('button', { name: 'Add a date' }).click();
    await page.getByLabel('Label of date 1').fill('Anniversary');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose the date of “Anniversary”' }).waitFor();
    expect(await page.getByLabel('Label of date 1').inputValue()).toBe('Anniversary');
    expect(await page.getByLabel('Date 1', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Date 1', { exact: true }).fill('2020-06-14');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await toast(page, 'Contact saved.');
    const saved = await apiFromPage<{ importantDates: { label: string; date: string }[] }>(page, 'GET', `/api/contacts/${id}`);
    expect(saved.importantDates).toEqual([{ label: 'Anniversary', date: '2020-06-14' }]);

    const cadence = page.getByLabel('Keep in touch every');
    await cadence.fill('2.5');
    await cadence.press('Enter');
    await page.getByText('Enter a whole number of days from 1 to 3650').waitFor();
    expect(await cadence.getAttribute('aria-invalid')).toBe('true');
    expect(await cadence.inputValue()).toBe('2.5');
    expect((await apiFromPage<{ keepInTouchDays: number | null }>(page, 'GET', `/api/contacts/${id}`)).keepInTouchDays).toBeNull();
    await s.finish('data-safety-forms');
  });

  it('edits labelled emails and phones and custom fields; a bad phone stays in its field with a message', async () => {
    const s = await openSession(browser, { timezoneId: 'Pacific/Kiritimati', allowConsole: [/status of 400/] });
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', {
      name: 'Aroha Ngata',
      emails: ['aroha@home.example'],
      customFields: { sessions: 12 },
    });
    await page.goto(`/contacts/${contact.id}`);
    expect(await page.getByLabel('Email 1', { exact: true }).inputValue()).toBe('aroha@home.example');
    expect(await page.getByLabel('Value of sessions').inputValue()).toBe('12');
    await page.getByLabel('Label of email 1').fill('home');
    await page.getByRole('button', { name: 'Add an email' }).click();
    await page.getByLabel('Email 2', { exact: true }).fill('Aroha@Studio.example');
    await page.getByLabel('Label of email 2').fill('work');
    await page.getByRole('button', { name: 'Add a phone' }).click();
    await page.getByLabel('Phone 1', { exact: true }).fill('call after 5');
    await page.getByRole('button', { name: 'Add a field' }).click();
    await page.getByLabel('Name of field 2').fill('Injuries');
    await page.getByLabel('Value of Injuries').fill('Left knee — no deep lunges');
    await page.getByLabel('Value of sessions').fill('13');
    await page.getByRole('button', { name: 'Save changes' }).click();
    // The server refuses the phone; the form keeps every value and says which row is wrong.
    await page.getByRole('alert').filter({ hasText: 'Phone 1 must be a phone number' }).waitFor();
    expect(await page.getByLabel('Phone 1', { exact: true }).inputValue()).toBe('call after 5');
    expect(await page.getByLabel('Phone 1', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Phone 1', { exact: true }).fill('+64 21 555 0199');
    await page.getByLabel('Label of phone 1').fill('mobile');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await toast(page, 'Contact saved.');
    const saved = await apiFromPage<{
      emails: string[];
      emailLabels: Record<string, string>;
      phones: string[];
      phoneLabels: Record<string, string>;
      customFields: Record<string, unknown>;
    }>(page, 'GET', `/api/contacts/${contact.id}`);
    expect(saved.emails).toEqual(['aroha@home.example', 'aroha@studio.example']);
    expect(saved.emailLabels).toEqual({ 'aroha@home.example': 'home', 'aroha@studio.example': 'work' });
    expect(saved.phoneLabels).toEqual({ '+64 21 555 0199': 'mobile' });
    // A number stays a number; the new field is text.
    expect(saved.customFields).toEqual({ sessions: 13, Injuries: 'Left knee — no deep lunges' });
    await page.reload();
    expect(await page.getByLabel('Label of phone 1').inputValue()).toBe('mobile');
    expect(await page.getByLabel('Value of Injuries').inputValue()).toBe('Left knee — no deep lunges');
    await s.finish('data-safety-channels-custom-fields');
  });

  it('photos need consent, and a new upload replaces the picture only when asked', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Mira Sol' });
    await page.goto(`/contacts/${contact.id}?tab=photos`);
    await page.getByTestId('photo-consent-needed').waitFor();
    expect(await page.getByLabel('Choose a photo').count()).toBe(0);

    await page.goto(`/contacts/${contact.id}`);
    await page.getByLabel('Photos of this person may be stored').check();
    await expect
      .poll(async () => (await apiFromPage<{ hasPhotoConsent: boolean }>(page, 'GET', `/api/contacts/${contact.id}`)).hasPhotoConsent)
      .toBe(true);
    await page.goto(`/contacts/${contact.id}?tab=photos`);
    const uploadOne = async (name: string, colour: string) => {
      await page.getByLabel('Choose a photo').setInputFiles({ name, mimeType: 'image/png', buffer: await png(colour) });
      await page.getByRole('button', { name: 'Upload photo' }).click();
      await toast(page, 'Photo uploaded');
    };
    const current = async () => (await apiFromPage<{ photoUrl: string | null }>(page, 'GET', `/api/contacts/${contact.id}`)).photoUrl;
    // First upload: no picture yet, so the box starts ticked.
    expect(await page.getByLabel('Make it the profile picture').isChecked()).toBe(true);
    await uploadOne('first.png', '#aa3344');
    const first = await current();
    expect(first).toMatch(/^\/api\/photos\//);
    expect(await page.getByLabel('Make it the profile picture').isChecked()).toBe(false);
    await uploadOne('second.png', '#3344aa');
    await page.getByRole('img', { name: 'Photo 2 of Mira Sol' }).waitFor();
    expect(await current()).toBe(first);
    await page.getByLabel('Make it the profile picture').check();
    await uploadOne('third.png', '#33aa44');
    await expect.poll(current).not.toBe(first);
    await s.finish('data-safety-photos');
  });

  it('every delete and completion names what it did and can be undone', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Ana Ruiz', hasPhotoConsent: true });
    await apiFromPage(page, 'POST', '/api/interactions', { contactId: contact.id, type: 'meeting', subject: 'Intake session' });
    await apiFromPage(page, 'POST', '/api/goals', { contactId: contact.id, title: 'Sleep 8 hours' });
    const task = await apiFromPage<{ id: string }>(page, 'POST', '/api/tasks', { title: 'Send the plan', contactIds: [contact.id] });

    await page.goto(`/contacts/${contact.id}?tab=timeline`);
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByText('Intake session').waitFor();
    await timeline.getByRole('button', { name: /^Delete session Intake session/ }).click();
    await toast(page, /Deleted session Intake session/);
    await timeline.getByText('Intake session').waitFor({ state: 'detached' });
    await undo(page, /Deleted session Intake session/);
    await toast(page, 'Entry restored.');
    await timeline.getByText('Intake session').waitFor();

    await page.getByRole('tab', { name: /Goals/ }).click();
    await page.getByRole('button', { name: 'Delete goal Sleep 8 hours' }).click();
    await toast(page, 'Deleted goal “Sleep 8 hours”.');
    await expect.poll(async () => (await apiFromPage<{ items: unknown[] }>(page, 'GET', '/api/goals')).items.length).toBe(0);
    await undo(page, 'Deleted goal “Sleep 8 hours”.');
    await toast(page, 'Goal restored.');
    await page.getByRole('heading', { name: 'Sleep 8 hours' }).waitFor();

    await page.goto('/tasks');
    await page.getByRole('checkbox', { name: 'Complete Send the plan' }).click();
    await toast(page, 'Completed “Send the plan”.');
    await undo(page, 'Completed “Send the plan”.');
    await toast(page, 'Task reopened.');
    await expect.poll(async () => (await apiFromPage<{ status: string }>(page, 'GET', `/api/tasks/${task.id}`)).status).toBe('pending');

    await page.getByRole('button', { name: 'Send the plan', exact: true }).click();
    await page.getByRole('dialog', { name: 'Send the plan' }).getByRole('button', { name: 'Delete task' }).click();
    await toast(page, 'Deleted task “Send the plan”.');
    await page.getByRole('button', { name: 'Send the plan', exact: true }).waitFor({ state: 'detached' });
    await undo(page, 'Deleted task “Send the plan”.');
    await toast(page, 'Task restored.');
    await page.getByRole('button', { name: 'Send the plan', exact: true }).waitFor();

    const csrf = (await page.context().cookies()).find((c) => c.name === 'mcrm_csrf')?.value ?? '';
    const uploaded = await page.context().request.post(`/api/contacts/${contact.id}/photos`, {
      headers: { 'x-csrf-token': decodeURIComponent(csrf), origin: new URL(page.url()).origin },
      multipart: { file: { name: 'p.png', mimeType: 'image/png', buffer: await png('#123456') } },
    });
    expect(uploaded.status()).toBe(201);
    const photo = (await uploaded.json()) as { id: string };
    await page.goto(`/contacts/${contact.id}?tab=photos`);
    await page.getByRole('button', { name: 'Remove' }).click();
    await toast(page, 'Removed photo 1 of Ana Ruiz.');
    await page.getByText('No photos yet.').waitFor();
    await undo(page, 'Removed photo 1 of Ana Ruiz.');
    await toast(page, 'Photo restored.');
    await page.getByRole('img', { name: 'Photo 1 of Ana Ruiz' }).waitFor();
    expect((await apiFromPage<{ photoUrl: string }>(page, 'GET', `/api/contacts/${contact.id}`)).photoUrl).toBe(`/api/photos/${photo.id}`);
    await s.finish('data-safety-undo');
  });
});
