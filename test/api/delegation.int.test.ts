import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact, createTag } from '../support/contacts.js';
import type { FakeOpenAi } from '../fakes/fake-openai.js';
import { startAiApp } from '../support/ai-app.js';

type Delegation = {
  id: string;
  status: string;
  segments: Array<{
    key: string;
    label: string;
    contacts: Array<{ id: string; name: string }>;
    include: boolean;
    subtaskTitle: string;
    subject: string;
    body: string;
  }>;
  model: string;
  madeWithoutModel: boolean;
  createdTaskIds: string[];
};

async function task(c: TestClient, body: Record<string, unknown>) {
  const res = await c.post('/api/tasks', body);
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string };
}

const subtasksOf = async (c: TestClient, id: string) =>
  (await c.get(`/api/tasks/${id}`)).body.subtasks as Array<{
    id: string;
    title: string;
    description: string;
    contacts: Array<{ id: string }>;
  }>;

describe('task delegation, offline (no API key)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('proposes segments by stage, edits them, creates the subtasks once on approval', async () => {
    const a = await signUp(t.app, 'deleg-stage');
    const c1 = await createContact(a, { name: 'Cora Core', lifecycleStage: 'core_client' });
    const c2 = await createContact(a, { name: 'Cole Core', lifecycleStage: 'core_client' });
    const n1 = await createContact(a, { name: 'Nina New', lifecycleStage: 'new_client' });
    const parent = await task(a, { title: 'Announce the spring retreat', description: 'Retreat on 12 April, places are limited.' });

    const res = await a.post(`/api/tasks/${parent.id}/delegate`, { by: 'stage' });
    expect(res.status, res.text).toBe(201);
    const d = res.body as Delegation;
    expect(d).toMatchObject({ status: 'proposed', model: 'offline', madeWithoutModel: true, createdTaskIds: [] });
    expect(d.segments.map((s) => [s.key, s.label, s.contacts.map((c) => c.id)])).toEqual([
      ['stage:core_client', 'Core client', [c2.id, c1.id]],
      ['stage:new_client', 'New client', [n1.id]],
    ]);
    expect(d.segments[0]).toMatchObject({
      include: true,
      subtaskTitle: 'Announce the spring retreat (Core client)',
      subject: 'Announce the spring retreat',
    });
    expect(d.segments[0]!.body).toContain('{{first_name}}');
    expect(d.segments[0]!.body).toContain('Retreat on 12 April');
    // Nothing is created before approval.
    expect(await subtasksOf(a, parent.id)).toEqual([]);
    expect((await a.get(`/api/delegations/${d.id}`)).body).toEqual(d);

    const edited = await a.patch(`/api/delegations/${d.id}`, {
      segments: [
        { key: 'stage:core_client', subject: 'Your retreat place', body: 'Hi {{first_name}}, a place is yours.' },
        { key: 'stage:new_client', include: false },
      ],
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.segments.map((s: { include: boolean }) => s.include)).toEqual([true, false]);
    expect(await subtasksOf(a, parent.id)).toEqual([]);

    const approved = await a.post(`/api/delegations/${d.id}/approve`);
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.createdTaskIds).toHaveLength(1);
    const subtasks = await subtasksOf(a, parent.id);
    expect(subtasks).toHaveLength(1);
    expect(subtasks[0]).toMatchObject({ id: approved.body.createdTaskIds[0], title: 'Announce the spring retreat (Core client)' });
    expect(subtasks[0]!.contacts.map((c) => c.id).sort()).toEqual([c1.id, c2.id].sort());
    expect(subtasks[0]!.description).toContain('Subject: Your retreat place');
    expect(subtasks[0]!.description).toContain('Hi {{first_name}}, a place is yours.');

    // A retry answers the same and creates nothing more; a decided proposal cannot change.
    const retry = await a.post(`/api/delegations/${d.id}/approve`);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(approved.body);
    expect(await subtasksOf(a, parent.id)).toHaveLength(1);
    expect((await a.patch(`/api/delegations/${d.id}`, { segments: [{ key: 'stage:core_client', include: false }] })).status).toBe(409);
    expect((await a.post(`/api/delegations/${d.id}/discard`)).status).toBe(409);
  });

  it('splits by tag, discards without creating anything, and refuses bad input', async () => {
    const a = await signUp(t.app, 'deleg-tag');
    const retreat = await createTag(a, 'Retreat');
    const online = await createTag(a, 'Online');
    await createContact(a, { name: 'Rita Retreat', tagIds: [retreat] });
    await createContact(a, { name: 'Olga Online', tagIds: [online] });
    await createContact(a, { name: 'Both Ways', tagIds: [retreat, online] });
    const parent = await task(a, { title: 'Share the new schedule' });

    const all = await a.post(`/api/tasks/${parent.id}/delegate`, { by: 'tag' });
    expect(all.status, all.text).toBe(201);
    expect(all.body.segments.map((s: { label: string; contacts: unknown[] }) => [s.label, s.contacts.length])).toEqual([
      ['Online', 2],
      ['Retreat', 2],
    ]);
    const one = await a.post(`/api/tasks/${parent.id}/delegate`, { by: 'tag', tagIds: [online] });
    expect(one.body.segments.map((s: { key: string }) => s.key)).toEqual([`tag:${online}`]);

    const discarded = await a.post(`/api/delegations/${one.body.id}/discard`);
    expect(discarded.status).toBe(200);
    expect(discarded.body).toMatchObject({ status: 'discarded', createdTaskIds: [] });
    expect((await a.post(`/api/delegations/${one.body.id}/discard`)).body.status).toBe('discarded');
    expect((await a.post(`/api/delegations/${one.body.id}/approve`)).status).toBe(409);
    expect(await subtasksOf(a, parent.id)).toEqual([]);

    // Bad input: each a 4xx with a message.
    const wrongBy = await a.post(`/api/tasks/${parent.id}/delegate`, { by: 'colour' });
    expect(wrongBy.status).toBe(400);
    expect(wrongBy.text).toMatch(/'tag' or 'stage'/);
    expect((await a.post(`/api/tasks/${parent.id}/delegate`, { by: 'stage', tagIds: [online] })).status).toBe(400);
    const b = await signUp(t.app, 'deleg-tag-other');
    const theirTag = await createTag(b, 'Theirs');
    const foreignTag = await a.post(`/api/tasks/${parent.id}/delegate`, { by: 'tag', tagIds: [theirTag] });
    expect(foreignTag.status).toBe(422);
    expect(foreignTag.text).toMatch(/tags do not exist/);
    expect((await a.post(`/api/tasks/${crypto.randomUUID()}/delegate`, { by: 'stage' })).status).toBe(404);
    const unknownKey = await a.patch(`/api/delegations/${all.body.id}`, { segments: [{ key: 'tag:nope', include: false }] });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.text).toMatch(/Unknown segment keys/);
    expect((await a.patch(`/api/delegations/${all.body.id}`, { segments: [] })).status).toBe(400);
    const nobody = await signUp(t.app, 'deleg-empty');
    const lonely = await task(nobody, { title: 'Nobody to ask' });
    const empty = await nobody.post(`/api/tasks/${lonely.id}/delegate`, { by: 'stage' });
    expect(empty.status).toBe(422);
    expect(empty.text).toMatch(/Add clients first/);

    // Another user's proposal: 404, and nothing of A's changes.
    for (const [method, url] of [
      ['GET', `/api/delegations/${all.body.id}`],
      ['POST', `/api/delegations/${all.body.id}/approve`],
      ['POST', `/api/delegations/${all.body.id}/discard`],
    ] as const) {
      const res = await b.request(method, url, method === 'POST' ? {} : undefined);
      expect(res.status).toBe(404);
    }
    expect((await a.get(`/api/delegations/${all.body.id}`)).body.status).toBe('proposed');
  });
});

describe('task delegation drafted by a model (fake provider)', () => {
  let t: TestApp;
  let llm: FakeOpenAi;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => ({ t, llm, close } = await startAiApp()));
  afterAll(() => close?.());

  it('drafts with the smart model, sends no client data, and falls back to a template for a non-consenting task', async () => {
    const a = await signUp(t.app, 'deleg-llm');
    const yes = await createContact(a, { name: 'Carla Consent', lifecycleStage: 'core_client', hasAiConsent: true });
    await createContact(a, { name: 'Secretia Hiddenname', lifecycleStage: 'new_client', emails: ['secretia@client.test'] });
    const parent = await task(a, { title: 'Invite to the workshop', description: 'Questions to host@practice.test' });
    const before = llm.completions.length;

    const res = await a.post(`/api/tasks/${parent.id}/delegate`, { by: 'stage' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ madeWithoutModel: false, model: 'openai/gpt-4o' });
    expect(res.body.segments.map((s: { subtaskTitle: string }) => s.subtaskTitle)).toEqual([
      'Invite to the workshop: Core client',
      'Invite to the workshop: New client',
    ]);
    const sent = llm.completions.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ schemaName: 'delegation', model: 'openai/gpt-4o' });
    const text = llm.promptText();
    expect(text).toContain('Invite to the workshop');
    expect(text).not.toContain('Secretia');
    expect(text).not.toContain('Carla');
    // Emails are masked on the way out.
    expect(text).not.toContain('host@practice.test');
    expect(text).toContain('[EMAIL_1]');

    // The task is about a contact without AI consent: its text never reaches the model.
    const secret = await createContact(a, { name: 'Private Pat', lifecycleStage: 'core_client' });
    const private_ = await task(a, { title: 'Call Private Pat about the diagnosis', contactIds: [secret.id, yes.id] });
    const n = llm.completions.length;
    const offline = await a.post(`/api/tasks/${private_.id}/delegate`, { by: 'stage' });
    expect(offline.status, offline.text).toBe(201);
    expect(offline.body).toMatchObject({ madeWithoutModel: true, model: 'offline' });
    expect(llm.completions.length).toBe(n);
    expect(llm.promptText()).not.toContain('Private Pat');
  });
});
