import { expect } from 'vitest';
import type { TestClient } from './client.js';

/** SQL statements the handler issued, from the x-db-statements header. */
export const statementsOf = (res: { headers: Record<string, unknown> }) => Number(res.headers['x-db-statements']);

/** POSTs and expects 201; answers the created resource. */
export async function created(client: TestClient, url: string, body: unknown) {
  const res = await client.post(url, body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** Follows nextCursor to the end; every page within the limit and read in one statement. */
export async function walkPages<T>(client: TestClient, url: string, limit: number): Promise<T[]> {
  const seen: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await client.get(`${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    expect(statementsOf(res)).toBe(1);
    seen.push(...(res.body.items as T[]));
    cursor = res.body.nextCursor;
  } while (cursor);
  return seen;
}
