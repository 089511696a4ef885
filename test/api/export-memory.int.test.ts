import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/server/platform/limits.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { walkZip } from '../support/zip.js';

/**
 * The account export keeps server memory bounded whatever the account's size, and a reader that
 * stops, then reads slowly, holds the producer back instead of letting the archive pile up.
 *
 * Size: EXPORT_TEST_CONTACTS and EXPORT_TEST_INTERACTIONS; the 10,000 / 100,000 ran
 * (about 2 minutes on PGlite on a loaded 2-core machine). The default keeps the 10,000 contacts and
 * takes 30,000 interactions, enough for CI: each carries 512 characters that deflate only halves,
 * so the archive (about 10 MB) outgrows the socket buffers, and the test proves backpressure by
 * counting statements (without it, every page is read while the reader is stopped: the count check
 * fails, as it did when the producer was made to ignore drain).
 */
const CONTACTS = Number(process.env.EXPORT_TEST_CONTACTS ?? 10_000);
const INTERACTIONS = Number(process.env.EXPORT_TEST_INTERACTIONS ?? 30_000);
/**
 * Generous: pages of rows, zlib windows, socket buffers and GC lag, not the archive. Seen: 22–26 MB
 * on a quiet machine, 56 MB once on PostgreSQL under CI load (GC lag); the backpressure check below
 * (statements while the reader is stopped) is the exact one.
 */
const HEAP_GROWTH_BOUND_MB = 72;

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(() => t.close());

/** Bulk inserts, as the seeder writes: a few statements instead of 110,000 requests. */
async function seed(userId: string) {
  const db = t.database.db;
  await db.execute(sql`
    insert into contacts (user_id, name, emails, notes)
    select ${userId}, 'Client ' || g, array['client' || g || '@example.test'], repeat('note ', 20)
    from generate_series(1, ${CONTACTS}) g`);
  await db.execute(sql`
    with c as (select id, row_number() over (order by id) - 1 as n from contacts where user_id = ${userId})
    insert into interactions (user_id, contact_id, type, subject, content, metadata, occurred_at)
    select ${userId}, c.id, 'meeting', 'Session ' || g, 'We talked about sleep, food and the week ahead. ' || g,
           -- 512 characters that deflate only halves: the archive outgrows the sockets' buffers.
           jsonb_build_object('digest', (select string_agg(md5(g::text || '/' || i::text), '') from generate_series(1, 16) i)),
           timestamptz '2024-01-01' + (g || ' minutes')::interval
    from generate_series(1, ${INTERACTIONS}) g
    join c on c.n = g % ${CONTACTS}`);
  // Fresh statistics, as autovacuum would leave them on PostgreSQL: the pages then read along the
  // index and the database outpaces the slow reader, which is what this test is about.
  await db.execute(sql`analyze contacts`);
  await db.execute(sql`analyze interactions`);
}

/** The database statements issued since `since`, once none has been issued for a second. */
async function statementsWhenIdle(since: number): Promise<number> {
  let last = -1;
  let quietPolls = 0;
  while (quietPolls < 20) {
    await new Promise((r) => setTimeout(r, 50));
    const now = t.database.statementCount();
    quietPolls = now === last ? quietPolls + 1 : 0;
    last = now;
  }
  return last - since;
}

describe('export of a large account, read slowly', () => {
  it('stays within a memory bound and holds every row', async () => {
    const a = await signUp(t.app, 'export-big');
    const seeding = Date.now();
    await seed(a.userId);
    console.info(`seeded in ${Date.now() - seeding} ms`);
    const exporting = Date.now();
    const cookie = [...a.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mcrm-export-')), 'export.zip');

    global.gc?.();
    const baseline = process.memoryUsage();
    let peakHeap = baseline.heapUsed;
    let peakRss = baseline.rss;
    let bytes = 0;
    const statementsBefore = t.database.statementCount();
    let readWhileStopped = 0;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${base}/api/export`, { headers: { cookie } }, async (res) => {
        if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
        const out = fs.createWriteStream(file);
        // First the reader stops altogether: the server must stop reading the database once the
        // buffers between them are full, long before the end of the account.
        res.pause();
        readWhileStopped = await statementsWhenIdle(statementsBefore);
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          out.write(chunk);
          const now = process.memoryUsage();
          peakHeap = Math.max(peakHeap, now.heapUsed);
          peakRss = Math.max(peakRss, now.rss);
          // A slow reader: every chunk waits a little, so the server's buffers fill up and stay full.
          res.pause();
          setTimeout(() => res.resume(), 10);
        });
        res.on('end', () => out.end(() => resolve()));
        res.on('error', reject);
        res.resume();
      });
      req.on('error', reject);
    });

    console.info(`downloaded in ${Date.now() - exporting} ms`);
    const total = t.database.statementCount() - statementsBefore;
    console.info(`statements while the reader was stopped: ${readWhileStopped} of ${total}`);
    // Sockets and the archiver hold a few MB, so some pages are read ahead; never the whole account
    // (without backpressure every statement of the export ran while the reader was stopped).
    expect(total).toBeGreaterThan(Math.ceil(INTERACTIONS / LIMITS.export.pageRows));
    expect(readWhileStopped).toBeLessThan(total * 0.85);
    const heapGrowthMb = (peakHeap - baseline.heapUsed) / 1e6;
    const rssGrowthMb = (peakRss - baseline.rss) / 1e6;
    console.info(`export: ${(bytes / 1e6).toFixed(1)} MB zip; heap +${heapGrowthMb.toFixed(1)} MB, rss +${rssGrowthMb.toFixed(1)} MB`);
    expect(heapGrowthMb).toBeLessThan(HEAP_GROWTH_BOUND_MB);

    // The archive opens (every entry's CRC checked) and holds every row.
    const lines: Record<string, number> = {};
    const seen = new Set<string>();
    await walkZip({ path: file }, async (name, content) => {
      let n = 0;
      let rest = '';
      for await (const chunk of content) {
        const text = rest + (chunk as Buffer).toString('utf8');
        const parts = text.split('\n');
        rest = parts.pop()!;
        for (const line of parts) {
          n += 1;
          if (name === 'interactions.jsonl') seen.add((JSON.parse(line) as { id: string }).id);
        }
      }
      lines[name] = n;
    });
    expect(lines['contacts.jsonl']).toBe(CONTACTS);
    expect(lines['interactions.jsonl']).toBe(INTERACTIONS);
    expect(seen.size).toBe(INTERACTIONS);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }, 600_000);
});
