import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_READS } from '../../bench/page-reads.js';
import type { BenchContext } from '../../bench/scenarios.js';
import { apiFromPage, closeBrowser, launchBrowser, openSession, signUp } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => closeBrowser(browser));

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** The web app's pages, from its route table (a new page is visited without editing this test). */
const appPages = () => [...fs.readFileSync('src/web/app/routes.ts', 'utf8').matchAll(/path: '([^']+)'/g)].map((m) => m[1]!);

describe('the benchmark measures every read a page makes when it opens', () => {
  it('each GET the pages send is in bench/page-reads.ts', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await signUp(page, 'Noor Ibáñez');
    const contact = await apiFromPage<{ id: string }>(page, 'POST', '/api/contacts', { name: 'Zoë Ørsted 🌿' });
    const benched = new Set(PAGE_READS.map((r) => r.path({ contactId: '{id}' } as BenchContext).split('?')[0]));
    const pages = appPages();
    expect(pages).toContain('/contacts/:id');
    const seen = new Set<string>();
    for (const path of pages) {
      s.apiRequests.length = 0;
      await page.goto(path.replace(':id', contact.id));
      await page.waitForLoadState('networkidle');
      for (const request of s.apiRequests) {
        const [method, url] = request.split(' ') as [string, string];
        if (method === 'GET') seen.add(url.split('?')[0]!.replace(UUID, '{id}'));
      }
    }
    // The walk did open the pages: the reads every one of them makes were seen.
    expect([...seen]).toEqual(expect.arrayContaining(['/api/auth/me', '/api/contacts', '/api/contacts/{id}', '/api/tasks']));
    expect([...seen].filter((url) => !benched.has(url))).toEqual([]);
    await s.finish('page-reads-walk');
  });
});
