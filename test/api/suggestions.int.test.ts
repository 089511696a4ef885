import crypto from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact, createTag } from '../support/contacts.js';
import type { FakeOpenAi } from '../fakes/fake-openai.js';
import { handle as runSuggestionsJob } from '../../src/server/modules/suggestions/jobs/suggestions-run.handler.js';
import { startAiApp } from '../support/ai-app.js';

type Suggestion = {
  id: string;
  kind: string;
  title: string;
  status: string;
  model: string;
  madeWithoutModel: boolean;
  contact: { id: string; name: string } | null;
  result: { message: string; taskId: string | null; undoable: boolean } | null;
};

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

async function interaction(c: TestClient, contactId: string, type: string, subject: string, occurredAt: string) {
  const res = await c.post('/api/interactions', { contactId, type, subject, occurredAt });
  expect(res.status, res.text).toBe(201);
}

async function pending(c: TestClient): Promise<{ items: Suggestion[]; pending: number }> {
  const res = await c.get('/api/suggestions?limit=200');
  expect(res.status, res.text).toBe(200);
  return res.body;
}

const tasksOf = async (c: TestClient, contactId: string) =>
  (await c.get(`/api/tasks?contactId=${contactId}&limit=200`)).body.items as Array<{ id: string }>;

/** Records a decision on AI processing (declined), so no "missing consent" suggestion is made for them. */
async function declined(c: TestClient, contactId: string) {
  const res = await c.request('PUT', `/api/contacts/${contactId}/consents/ai_processing`, { granted: false, method: 'verbal' });
  expect(res.status, res.text).toBe(200);
}

/** One practice with data for every kind of suggestion. */
async function practice(c: TestClient) {
  const yoga = await createTag(c, 'Yoga');
  // Last contact 60 days ago, cadence 14 days (core client): due to reconnect. A decision on AI recorded.
  const lapsed = await createContact(c, { name: 'Olive Lapsed', lifecycleStage: 'core_client' });
  await declined(c, lapsed.id);
  await interaction(c, lapsed.id, 'call', 'Catch-up', daysAgo(60));
  // Two classes of a recurring "Morning Yoga" without the Yoga tag.
  const yogi = await createContact(c, { name: 'Yara Yogi' });
  await declined(c, yogi.id);
  await interaction(c, yogi.id, 'class_attendance', 'Morning Yoga', daysAgo(10));
  await interaction(c, yogi.id, 'class_attendance', 'Morning Yoga', daysAgo(3));
  // Allows photos, has none.
  const pictureless = await createContact(c, { name: 'Pia Pictureless', hasPhotoConsent: true });
  await declined(c, pictureless.id);
  // No AI decision recorded at all.
  const undecided = await createContact(c, { name: 'Nora Undecided' });
  const task = await c.post('/api/tasks', { title: 'Send the invoice', dueAt: daysAgo(3) });
  expect(task.status).toBe(201);
  return { yoga, lapsed, yogi, pictureless, undecided, task: task.body as { id: string; dueAt: string } };
}

describe('suggestions, offline (no API key)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('proposes each kind from the data, and never the same one twice', async () => {
    const a = await signUp(t.app, 'sugg-kinds');
    const p = await practice(a);
    const run = await a.post('/api/suggestions/run');
    expect(run.status, run.text).toBe(200);
    expect(run.body).toMatchObject({ model: 'offline', madeWithoutModel: true });
    expect(run.body.byKind).toEqual({ reconnect: 1, tag_from_attendance: 1, add_photo: 1, overdue_task: 1, record_consent: 1 });
    expect(run.body.proposed).toBe(5);

    const list = await pending(a);
    expect(list.pending).toBe(5);
    const of = (kind: string) => list.items.filter((s) => s.kind === kind);
    expect(of('reconnect').map((s) => s.contact?.id)).toEqual([p.lapsed.id]);
    expect(of('tag_from_attendance')[0]).toMatchObject({ contact: { id: p.yogi.id }, title: 'Tag Yara Yogi with "Yoga"' });
    expect(of('add_photo').map((s) => s.contact?.id)).toEqual([p.pictureless.id]);
    expect(of('record_consent').map((s) => s.contact?.id)).toEqual([p.undecided.id]);
    expect(of('overdue_task')[0]?.title).toBe('Move "Send the invoice" to next week');
    expect(list.items.every((s) => s.status === 'pending' && s.madeWithoutModel && s.model === 'offline')).toBe(true);

    // Run again: nothing new.
    const again = await a.post('/api/suggestions/run');
    expect(again.body.proposed).toBe(0);
    expect((await pending(a)).pending).toBe(5);

    // Nothing ran before approval: no task for the lapsed client, no tag on the attendee.
    expect(await tasksOf(a, p.lapsed.id)).toHaveLength(0);
    expect((await a.get(`/api/contacts/${p.yogi.id}`)).body.tags).toEqual([]);

    // Reject: nothing happens, and it is never proposed again.
    const photo = of('add_photo')[0]!;
    const rejected = await a.post(`/api/suggestions/${photo.id}/reject`);
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', result: null });
    expect(await tasksOf(a, p.pictureless.id)).toHaveLength(0);
    expect((await a.post(`/api/suggestions/${photo.id}/reject`)).body.status).toBe('rejected');
    expect((await a.post('/api/suggestions/run')).body.proposed).toBe(0);
    expect((await pending(a)).items.map((s) => s.id)).not.toContain(photo.id);
    expect((await a.post(`/api/suggestions/${photo.id}/approve`)).status).toBe(409);

    // Approve: the task is created once; a retry answers the same without a second task.
    const reconnect = of('reconnect')[0]!;
    const approved = await a.post(`/api/suggestions/${reconnect.id}/approve`);
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ status: 'applied', result: { undoable: true } });
    const taskId = approved.body.result.taskId as string;
    const created = await a.get(`/api/tasks/${taskId}`);
    expect(created.body).toMatchObject({ title: 'Reconnect with Olive Lapsed', contacts: [{ id: p.lapsed.id }] });
    const retry = await a.post(`/api/suggestions/${reconnect.id}/approve`);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(approved.body);
    expect(await tasksOf(a, p.lapsed.id)).toHaveLength(1);
    expect((await a.post(`/api/suggestions/${reconnect.id}/reject`)).status).toBe(409);

    // The tag is added through the contacts service (the cached contact shows it at once).
    const tag = of('tag_from_attendance')[0]!;
    expect((await a.post(`/api/suggestions/${tag.id}/approve`)).body.result.message).toBe('Tag "Yoga" added.');
    expect((await a.get(`/api/contacts/${p.yogi.id}`)).body.tags.map((x: { id: string }) => x.id)).toEqual([p.yoga]);

    // The overdue task moves a week on, and undo puts its due date back.
    const overdue = of('overdue_task')[0]!;
    const moved = await a.post(`/api/suggestions/${overdue.id}/approve`);
    expect(moved.status, moved.text).toBe(200);
    const newDue = Date.parse((await a.get(`/api/tasks/${p.task.id}`)).body.dueAt);
    expect(newDue).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const undone = await a.post(`/api/suggestions/${overdue.id}/undo`);
    expect(undone.status, undone.text).toBe(200);
    expect(undone.body).toMatchObject({ status: 'pending', result: null });
    expect((await a.get(`/api/tasks/${p.task.id}`)).body.dueAt).toBe(p.task.dueAt);

    // Undo of the reconnect: its task goes to the trash.
    expect((await a.post(`/api/suggestions/${reconnect.id}/undo`)).body.status).toBe('pending');
    expect((await a.get(`/api/tasks/${taskId}`)).status).toBe(404);
    expect((await a.post(`/api/suggestions/${reconnect.id}/undo`)).body.status).toBe('pending');

    // After approvals and rejections, a run still proposes nothing already known.
    expect((await a.post('/api/suggestions/run')).body.proposed).toBe(0);

    // Another user: the same 404 as a suggestion that does not exist, and an empty inbox.
    const b = await signUp(t.app, 'sugg-other');
    for (const action of ['approve', 'reject', 'undo']) {
      const res = await b.post(`/api/suggestions/${tag.id}/${action}`);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe('Suggestion not found');
    }
    expect((await pending(b)).items).toEqual([]);
    expect((await a.get(`/api/contacts/${p.yogi.id}`)).body.tags).toHaveLength(1);
  });

  it('refuses bad input with a 4xx a person can act on', async () => {
    const a = await signUp(t.app, 'sugg-bad');
    const bad = await a.post('/api/suggestions/not-a-uuid/approve');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/suggestion id/);
    expect((await a.get('/api/suggestions?limit=0')).status).toBe(400);
    expect((await a.get('/api/suggestions?cursor=forged')).status).toBe(400);
    expect((await a.post(`/api/suggestions/${crypto.randomUUID()}/undo`)).status).toBe(404);
  });

  it('an approval whose data changed meanwhile is a 409 and stays pending', async () => {
    const a = await signUp(t.app, 'sugg-moved');
    const task = await a.post('/api/tasks', { title: 'Renew insurance', dueAt: daysAgo(2) });
    await a.post('/api/suggestions/run');
    const [s] = (await pending(a)).items.filter((x) => x.kind === 'overdue_task');
    // The person moved the task themselves.
    await a.patch(`/api/tasks/${task.body.id}`, { dueAt: daysAgo(1) });
    const res = await a.post(`/api/suggestions/${s!.id}/approve`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/Reject the suggestion/);
    expect((await pending(a)).items.map((x) => x.id)).toContain(s!.id);
  });

  it('the daily job computes the same suggestions as the route', async () => {
    const a = await signUp(t.app, 'sugg-job');
    const c = await createContact(a, { name: 'Job Client' });
    await runSuggestionsJob({ userId: a.userId }, { deps: { services: t.app.services }, jobId: 'test', log: pino({ level: 'silent' }) });
    const list = await pending(a);
    expect(list.items.map((s) => [s.kind, s.contact?.id])).toEqual([['record_consent', c.id]]);
  });
});

describe('suggestions worded by a model (fake provider)', () => {
  let t: TestApp;
  let llm: FakeOpenAi;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => ({ t, llm, close } = await startAiApp()));
  afterAll(() => close?.());

  it('words only suggestions about consenting contacts; the others keep the computed wording', async () => {
    const a = await signUp(t.app, 'sugg-llm');
    const yes = await createContact(a, { name: 'Connie Consenting', lifecycleStage: 'core_client', hasAiConsent: true });
    await interaction(a, yes.id, 'call', 'Catch-up', daysAgo(40));
    const no = await createContact(a, { name: 'Secretia Hiddenname', lifecycleStage: 'core_client', emails: ['secretia@client.test'] });
    await interaction(a, no.id, 'call', 'Catch-up', daysAgo(40));
    const before = llm.completions.length;

    const run = await a.post('/api/suggestions/run');
    expect(run.status, run.text).toBe(200);
    expect(run.body).toMatchObject({ madeWithoutModel: false, model: 'openai/gpt-4o-mini' });
    const sent = llm.completions.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ schemaName: 'suggestions', model: 'openai/gpt-4o-mini' });
    const text = llm.promptText();
    expect(text).toContain('Connie Consenting');
    expect(text).not.toContain('Secretia');
    expect(text).not.toContain('Hiddenname');

    const items = (await pending(a)).items;
    const mine = items.find((s) => s.kind === 'reconnect' && s.contact?.id === yes.id)!;
    expect(mine).toMatchObject({ title: 'Worded: Reconnect with Connie Consenting', madeWithoutModel: false });
    const theirs = items.filter((s) => s.contact?.id === no.id);
    expect(theirs.map((s) => s.kind).sort()).toEqual(['reconnect', 'record_consent']);
    expect(theirs.every((s) => s.madeWithoutModel && !s.title.startsWith('Worded'))).toBe(true);

    // The prompt is kept for the user, naming only the consenting contact.
    const prompts = (await a.get('/api/ai/prompts')).body.items;
    expect(prompts[0]).toMatchObject({ task: 'suggestions', contactIds: [yes.id] });
  });
});
