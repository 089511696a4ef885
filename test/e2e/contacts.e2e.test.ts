import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

const rows = (page: Page) => page.getByRole('table', { name: 'Contacts' }).locator('tbody tr');
const toast = (page: Page, text: string | RegExp) => page.getByTestId('toast-success').filter({ hasText: text }).first().waitFor();

async function quickAdd(page: Page, name: string, email: string, newTag?: string) {
  await page.getByRole('button', { name: 'New contact' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New contact' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Email').fill(email);
  if (newTag) {
    await dialog.getByLabel('Filter tags').fill(newTag);
    await dialog.getByRole('button', { name: `Create tag “${newTag}”` }).click();
    await dialog.getByRole('checkbox', { name: newTag }).waitFor();
    expect(await dialog.getByRole('checkbox', { name: newTag }).isChecked()).toBe(true);
  }
  await dialog.getByRole('button', { name: 'Add contact' }).click();
  await toast(page, `Added ${name}.`);
}

describe('contacts', () => {
  it('adds, edits, tags, searches, filters and deletes contacts', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    await page.goto('/contacts');
    await page.getByText('No contacts yet').waitFor();

    await quickAdd(page, 'Ana Lima', 'ana@example.test', 'Yoga');
    await quickAdd(page, 'Ben Ortiz', 'ben@example.test');
    await expect.poll(() => rows(page).count()).toBe(2);

    // Server-side search.
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill('ortiz');
    await expect.poll(() => rows(page).allTextContents()).toEqual([expect.stringContaining('Ben Ortiz')]);
    expect(s.apiRequests.some((r) => r.startsWith('GET /api/contacts?') && r.includes('q=ortiz'))).toBe(true);
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill('');
    await expect.poll(() => rows(page).count()).toBe(2);

    // Filter by tag.
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.getByRole('group', { name: 'Filters' }).getByRole('checkbox', { name: 'Yoga' }).check();
    await expect.poll(() => rows(page).allTextContents()).toEqual([expect.stringContaining('Ana Lima')]);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => rows(page).count()).toBe(2);

    // Edit on the detail page: details form, then a one-click stage change (optimistic).
    await page.getByRole('link', { name: 'Ana Lima' }).click();
    await page.getByTestId('contact-name').filter({ hasText: 'Ana Lima' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Ana Lima-Souza');
    await page.getByLabel('Notes').fill('Prefers morning sessions.');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await toast(page, 'Contact saved.');
    await page.getByTestId('contact-name').filter({ hasText: 'Ana Lima-Souza' }).waitFor();
    await page.getByLabel('Lifecycle stage').selectOption('core_client');
    await page.locator('#main header').getByText('Core client').waitFor();
    // Saved at once through an optimistic update that lands a moment after the click; poll for it.
    await page.getByLabel('Photos of this person may be stored').click();
    await expect.poll(() => page.getByLabel('Photos of this person may be stored').isChecked()).toBe(true);
    type Found = { items: { id: string; name: string; lifecycleStage: string; hasPhotoConsent: boolean }[] };
    await expect
      .poll(async () => (await apiFromPage<Found>(page, 'GET', '/api/contacts?q=souza')).items[0])
      .toMatchObject({ name: 'Ana Lima-Souza', lifecycleStage: 'core_client', hasPhotoConsent: true });
    // Lists carry a summary; the notes are in the contact's detail.
    const { id } = (await apiFromPage<Found>(page, 'GET', '/api/contacts?q=souza')).items[0]!;
    expect((await apiFromPage<{ notes: string }>(page, 'GET', `/api/contacts/${id}`)).notes).toBe('Prefers morning sessions.');

    // Delete with the preview of what goes.
    await page.getByRole('button', { name: 'Delete' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Delete this contact?' });
    await dialog.getByText('will be deleted for good').waitFor();
    await dialog.getByRole('button', { name: 'Delete for good' }).click();
    await page.waitForURL(/\/contacts$/);
    await expect.poll(() => rows(page).allTextContents()).toEqual([expect.stringContaining('Ben Ortiz')]);
    await s.finish('contacts-crud');
  });

  it('bulk-tags a selection of contacts', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const tag = await apiFromPage<{ id: string }>(page, 'POST', '/api/tags', { name: 'Retreat 2026', color: '#7c3aed' });
    for (const name of ['Cleo Park', 'Dev Rao', 'Esme Quinn']) await apiFromPage(page, 'POST', '/api/contacts', { name });
    await page.goto('/contacts');
    await expect.poll(() => rows(page).count()).toBe(3);

    await page.getByRole('checkbox', { name: 'Select Cleo Park' }).check();
    await page.getByRole('checkbox', { name: 'Select Esme Quinn' }).check();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await bar.getByText('2 contacts selected').waitFor();
    await bar.getByRole('button', { name: 'Tag', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Add tags to 2 contacts' });
    await dialog.getByRole('checkbox', { name: 'Retreat 2026' }).check();
    await dialog.getByRole('button', { name: 'Add tags' }).click();
    await toast(page, 'Tagged 2 contacts.');

    const tagged = await apiFromPage<{ items: { name: string }[] }>(page, 'GET', `/api/contacts?tags=${tag.id}`);
    expect(tagged.items.map((c) => c.name).sort()).toEqual(['Cleo Park', 'Esme Quinn']);
    await expect.poll(() => rows(page).filter({ hasText: 'Retreat 2026' }).count()).toBe(2);
    await s.finish('contacts-bulk-tag');
  });

  it('organises the list: columns, saved views, card view and tag management', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const yoga = await apiFromPage<{ id: string }>(page, 'POST', '/api/tags', { name: 'Yoga', color: '#0d9488' });
    const yogis = await apiFromPage<{ id: string }>(page, 'POST', '/api/tags', { name: 'Yogis', color: '#db2777' });
    await apiFromPage(page, 'POST', '/api/contacts', { name: 'Ines Duarte', phones: ['+351 555 0101'], tagIds: [yoga.id] });
    await apiFromPage(page, 'POST', '/api/contacts', { name: 'Jon Baptiste', lifecycleStage: 'ambassador', tagIds: [yogis.id] });
    await page.goto('/contacts');
    const table = page.getByRole('table', { name: 'Contacts' });
    await expect.poll(() => rows(page).count()).toBe(2);

    // Column chooser: show Phone, hide Tags.
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('checkbox', { name: 'Phone' }).check();
    await page.getByRole('checkbox', { name: 'Tags' }).uncheck();
    await page.keyboard.press('Escape');
    await table.getByRole('columnheader', { name: 'Phone' }).waitFor();
    expect(await table.getByRole('columnheader', { name: 'Tags' }).count()).toBe(0);

    // A saved view remembers the stage filter and comes back after clearing it.
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.getByRole('group', { name: 'Filters' }).getByRole('checkbox', { name: 'Ambassador' }).check();
    await page.keyboard.press('Escape');
    await expect.poll(() => rows(page).allTextContents()).toEqual([expect.stringContaining('Jon Baptiste')]);
    await page.getByRole('button', { name: 'Saved views' }).click();
    await page.getByLabel('View name').fill('Ambassadors');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => rows(page).count()).toBe(2);
    await page.getByRole('button', { name: 'Saved views' }).click();
    await page.getByRole('button', { name: 'Ambassadors', exact: true }).click();
    await expect.poll(() => rows(page).allTextContents()).toEqual([expect.stringContaining('Jon Baptiste')]);

    // Card view shows the same contacts.
    await page.getByRole('button', { name: 'Card view' }).click();
    await page.getByRole('article', { name: 'Jon Baptiste' }).waitFor();
    await page.getByRole('button', { name: 'Table view' }).click();

    // Tag management: rename, recolour, merge, delete.
    await page.getByRole('button', { name: 'Tags', exact: true }).click();
    const manager = page.getByRole('dialog', { name: 'Manage tags' });
    await manager.getByLabel('Name of tag Yoga').fill('Hatha yoga');
    await manager.getByLabel('Name of tag Yoga').press('Enter');
    await toast(page, 'Renamed to “Hatha yoga”.');
    await manager.getByLabel('Colour of Hatha yoga').fill('#ca8a04');
    await manager.getByRole('combobox', { name: 'Merge Yogis into' }).selectOption({ label: 'Hatha yoga' });
    await manager.getByRole('button', { name: 'Merge Yogis into the chosen tag' }).click();
    await toast(page, 'Merged “Yogis” into “Hatha yoga”.');
    await expect
      .poll(
        async () => (await apiFromPage<{ items: { name: string; color: string; contactCount: number }[] }>(page, 'GET', '/api/tags')).items,
      )
      .toEqual([expect.objectContaining({ name: 'Hatha yoga', color: '#ca8a04', contactCount: 2 })]);
    await manager.getByRole('button', { name: 'Delete tag Hatha yoga' }).click();
    await manager.getByRole('button', { name: 'Delete tag', exact: true }).click();
    await toast(page, 'Deleted tag “Hatha yoga”.');
    await manager.getByText('No tags yet').waitFor();
    await s.finish('contacts-organise');
  });

  it('renders stored HTML and script as plain text', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page);
    const name = '<img src=x onerror="window.__pwned=1">Eve <b>Bold</b>';
    const notes = '<script>window.__pwned=2</script><a href="javascript:alert(1)">click</a>';
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name, notes });
    await apiFromPage(page, 'POST', '/api/tags', { name: '<i>tag</i>' });

    await page.goto('/contacts');
    await rows(page).first().getByText(name, { exact: true }).waitFor();
    await page.goto(`/contacts/${contact.id}`);
    await page.getByTestId('contact-name').getByText(name, { exact: true }).waitFor();
    expect(await page.getByLabel('Notes').inputValue()).toBe(notes);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img[src="x"], #main b, #main script, a[href^="javascript"]').count()).toBe(0);
    await s.finish('contacts-html-as-text');
  });
});
