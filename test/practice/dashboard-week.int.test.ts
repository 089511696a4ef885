import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';

// Wednesday 20 March 2030, 10:00 in Paris (CET, UTC+1).
const NOW = new Date('2030-03-20T09:00:00.000Z');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, undefined, { clock: () => NOW });
});
afterAll(() => t.close());

describe('this week against last week', () => {
  it('compares with last week up to the same weekday and time, in the user’s zone', async () => {
    const a = await signUp(t.app, 'week-to-date');
    expect((await a.patch('/api/auth/me', { timezone: 'Europe/Paris' })).status).toBe(200);
    const contact = (await a.post('/api/contacts', { name: 'Wren' })).body;
    const log = async (type: string, occurredAt: string) =>
      expect((await a.post('/api/interactions', { contactId: contact.id, type, occurredAt })).status).toBe(201);
    await log('meeting', '2030-03-10T22:30:00Z'); // Sunday 23:30, the week before last
    await log('meeting', '2030-03-10T23:30:00Z'); // last week, Monday 00:30: counts
    await log('class_attendance', '2030-03-11T08:00:00Z'); // last week, Monday: counts
    await log('meeting', '2030-03-13T08:30:00Z'); // last week, Wednesday 09:30: before this hour, counts
    await log('call', '2030-03-13T08:45:00Z'); // last week, Wednesday 09:45: an interaction, not a session
    await log('meeting', '2030-03-13T10:00:00Z'); // last week, Wednesday 11:00: after this hour
    await log('meeting', '2030-03-15T10:00:00Z'); // last week, Friday
    await log('meeting', '2030-03-18T09:00:00Z'); // this week
    await log('call', '2030-03-20T08:00:00Z'); // this week, today

    const res = await a.get('/api/dashboard/stats');
    expect(res.status, res.text).toBe(200);
    expect(res.headers['x-db-statements']).toBe('1');
    expect(res.body).toMatchObject({
      sessionsThisWeek: 1,
      sessionsLastWeek: 5,
      sessionsLastWeekToDate: 3,
      interactionsLastWeekToDate: 4,
    });
    expect(res.body.interactionsPerWeek.at(-1)).toEqual({ weekStart: '2030-03-18', count: 2 });
  });
});
