import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/server/platform/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { created } from '../support/pages.js';

type Count = { day: string; type: string; n: number };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** The counts the triggers keep, and the same counts worked out from the interactions themselves. */
async function countsOf(userId: string) {
  const kept = await queryRows<Count>(
    t.database.db,
    sql`select day::text as day, type::text as type, n from interaction_day_counts where user_id = ${userId} order by 1, 2`,
  );
  const truth = await queryRows<Count>(
    t.database.db,
    sql`select (i.occurred_at at time zone u.timezone)::date::text as day, i.type::text as type, count(*)::int as n
        from interactions i join users u on u.id = i.user_id
        where i.user_id = ${userId} and i.deleted_at is null group by 1, 2 order by 1, 2`,
  );
  return { kept, truth };
}
async function expectConsistent(userId: string): Promise<Count[]> {
  const { kept, truth } = await countsOf(userId);
  expect(kept).toEqual(truth);
  return kept;
}

describe('interaction day counts (the dashboard rollup)', () => {
  it('follow every kind of write, cascades and time-zone changes, per user', async () => {
    const a = await signUp(t.app, 'rollup-a');
    const b = await signUp(t.app, 'rollup-b');
    const ava = await created(a, '/api/contacts', { name: 'Ava' });
    const bea = await created(a, '/api/contacts', { name: 'Béa 🌿' });
    const other = await created(b, '/api/contacts', { name: 'Other' });
    const log = (client: typeof a, contactId: string, occurredAt: string, type = 'meeting') =>
      created(client, '/api/interactions', { contactId, type, occurredAt });

    // 23:30 UTC on 1 March is still 1 March in UTC, but 2 March in Auckland.
    const late = await log(a, ava.id, '2030-03-01T23:30:00.000Z');
    await log(a, ava.id, '2030-03-01T08:00:00.000Z', 'email');
    await log(a, bea.id, '2030-03-01T09:00:00.000Z');
    await log(b, other.id, '2030-03-01T10:00:00.000Z');
    expect(await expectConsistent(a.userId)).toEqual([
      { day: '2030-03-01', type: 'email', n: 1 },
      { day: '2030-03-01', type: 'meeting', n: 2 },
    ]);

    // Moving an entry to another day and changing its type moves its count.
    expect((await a.patch(`/api/interactions/${late.id}`, { occurredAt: '2030-03-05T12:00:00.000Z', type: 'call' })).status).toBe(200);
    expect(await expectConsistent(a.userId)).toEqual([
      { day: '2030-03-01', type: 'email', n: 1 },
      { day: '2030-03-01', type: 'meeting', n: 1 },
      { day: '2030-03-05', type: 'call', n: 1 },
    ]);
    // An edit that does not touch the day or type leaves the counts alone.
    expect((await a.patch(`/api/interactions/${late.id}`, { subject: 'Check-in ✨' })).status).toBe(200);
    await expectConsistent(a.userId);

    // Deleting an entry removes its count, and an emptied day leaves no row behind.
    expect((await a.delete(`/api/interactions/${late.id}`)).status).toBe(204);
    expect((await expectConsistent(a.userId)).map((c) => c.day)).not.toContain('2030-03-05');

    // A batch from a sync or an import, replayed with one changed entry.
    const batch = Array.from({ length: 30 }, (_, i) => ({
      contactId: bea.id,
      type: i % 3 === 0 ? ('class_attendance' as const) : ('email' as const),
      occurredAt: new Date(Date.UTC(2030, 1, 1 + i, 18)).toISOString(),
      source: 'import' as const,
      sourceId: `row-${i}`,
    }));
    await t.app.services.interactions.upsertMany(a.userId, batch);
    await t.app.services.interactions.upsertMany(a.userId, [{ ...batch[0]!, occurredAt: '2030-02-20T18:00:00.000Z' }, ...batch.slice(1)]);
    await expectConsistent(a.userId);

    // A new time zone moves every entry to its new local day.
    expect((await a.patch('/api/auth/me', { timezone: 'Pacific/Auckland' })).status).toBe(200);
    const auckland = await expectConsistent(a.userId);
    expect(auckland).toContainEqual({ day: '2030-03-01', type: 'meeting', n: 1 });
    expect(auckland).toContainEqual({ day: '2030-03-01', type: 'email', n: 1 });
    const afterZone = await log(a, ava.id, '2030-03-01T23:30:00.000Z');
    expect(await expectConsistent(a.userId)).toContainEqual({ day: '2030-03-02', type: 'meeting', n: 1 });
    expect(afterZone.id).toBeTruthy();

    // Deleting a contact deletes its timeline, and its counts with it.
    expect((await a.delete(`/api/contacts/${bea.id}`)).status).toBe(204);
    expect(await expectConsistent(a.userId)).toEqual([
      { day: '2030-03-01', type: 'email', n: 1 },
      { day: '2030-03-02', type: 'meeting', n: 1 },
    ]);

    // The other practitioner's counts never moved.
    expect(await expectConsistent(b.userId)).toEqual([{ day: '2030-03-01', type: 'meeting', n: 1 }]);
  });
});
