import { expect } from 'vitest';
import type { TestClient } from './client.js';

/** Small builders for tests that need contacts and tags; each asserts the API accepted the input. */

export type Contact = {
  id: string;
  name: string;
  sentiment: number | null;
  lastContactAt: string | null;
  createdAt: string;
  updatedAt: string;
  tags: { id: string; name: string; color: string }[];
  [key: string]: unknown;
};

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export async function createTag(client: TestClient, name: string): Promise<string> {
  const res = await client.post('/api/tags', { name });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

export async function createContact(client: TestClient, body: Record<string, unknown>): Promise<Contact> {
  const res = await client.post('/api/contacts', body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** Ids of the caller's contacts matching a list query (one page of up to 200). */
export async function listIds(client: TestClient, query: string): Promise<string[]> {
  const res = await client.get(`/api/contacts?limit=200&${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body.items.map((c: Contact) => c.id);
}
